"""Markdown as a plain-text email shows it: no `**` or `_` markers, links as `text (url)`.

The text part used to carry the editor's Markdown as typed; readers of plain-text mail saw the
asterisks and brackets. It is rendered from the same cleaned HTML as the HTML part, so both
parts say the same thing.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

_BLOCKS = {"p", "blockquote", "pre", "h3", "h4", "hr"}


class _TextWriter(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.links: list[tuple[str, int]] = []  # href and where its text starts in `out`
        self.lists: list[list[int]] = []  # one counter per open list; [] for bullets
        self.pre = 0

    def _break(self, newlines: int) -> None:
        """End the current line (1) or paragraph (2), counting the newlines already written."""
        tail = "".join(self.out[-2:])
        have = len(tail) - len(tail.rstrip("\n"))
        if self.out and have < newlines:
            self.out.append("\n" * (newlines - have))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCKS:
            self._break(2)
        if tag == "a":
            self.links.append((dict(attrs).get("href") or "", len(self.out)))
        elif tag == "br":
            self.out.append("\n")
        elif tag == "hr":
            self.out.append("* * *")
        elif tag in ("ul", "ol"):
            self._break(1 if self.lists else 2)  # a nested list goes on without a blank line
            self.lists.append([0] if tag == "ol" else [])
        elif tag == "li":
            counter = self.lists[-1] if self.lists else []
            if counter:
                counter[0] += 1
            self._break(1)
            self.out.append("  " * max(len(self.lists) - 1, 0) + (f"{counter[0]}. " if counter else "- "))
        elif tag == "pre":
            self.pre += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self.links:
            href, start = self.links.pop()
            text = "".join(self.out[start:]).strip()
            shown = href.removeprefix("mailto:")
            if href and shown != text:
                self.out.append(f" ({shown})" if text else shown)
        elif tag in ("ul", "ol") and self.lists:
            self.lists.pop()
            self._break(1 if self.lists else 2)
        elif tag == "pre":
            self.pre = max(self.pre - 1, 0)
        if tag in _BLOCKS:
            self._break(2)

    def handle_data(self, data: str) -> None:
        if self.pre:
            self.out.append(data)
            return
        text = re.sub(r"\s+", " ", data)
        if not self.out or self.out[-1].endswith(("\n", " ")):
            text = text.lstrip()  # whitespace between blocks, or at the start of a line
        if text:
            self.out.append(text)


def html_to_plain_text(html: str) -> str:
    """Cleaned Markdown HTML (content.markdown_to_html) as readable text, paragraphs kept."""
    writer = _TextWriter()
    writer.feed(html)
    writer.close()
    text = "\n".join(line.rstrip() for line in "".join(writer.out).split("\n"))
    return re.sub(r"\n{3,}", "\n\n", text).strip()
