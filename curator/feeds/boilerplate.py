"""Lines blog software adds to every post's feed text, removed before the text is stored.

WordPress (through Yoast SEO and similar plugins) ends each item's description, and often its
content:encoded, with "The post <title> appeared first on <blog>." in the blog's language, and cuts the
teaser with "[…]". Left in place they are the last paragraph of every teaser-only post's abstract, and an
extractive draft can pick the line as one of its sentences.
"""

from __future__ import annotations

import re

# "The post X appeared first on Y." and its translations in the plugin's most used languages.
_APPEARED_FIRST = re.compile(
    r"^(?:The post .+ appeared first on .+"
    r"|Der Beitrag .+ erschien zuerst auf .+"
    r"|L['\u2019]article .+ est apparu en premier sur .+"
    r"|La entrada .+ se publicó primero en .+"
    r"|L['\u2019]articolo .+ proviene da .+"
    r"|Het bericht .+ verscheen eerst op .+)$",
    re.DOTALL,
)
_CUT_MARK = re.compile(r"\s*\[(?:\u2026|\.\.\.)\]\s*$")


def strip_boilerplate(text: str) -> str:
    """`text` (paragraphs separated by blank lines) without a closing "appeared first on" line (the
    plugin puts it last; a post's own sentence about another post elsewhere is left alone); a teaser's
    closing "[…]" becomes a plain ellipsis."""
    if not text:
        return text
    paragraphs = text.split("\n\n")
    if len(paragraphs) > 1 and _APPEARED_FIRST.match(paragraphs[-1].strip()):
        paragraphs.pop()
    paragraphs = [_CUT_MARK.sub("\u2026", p) if _CUT_MARK.search(p) else p for p in paragraphs]
    return "\n\n".join(paragraphs).strip()
