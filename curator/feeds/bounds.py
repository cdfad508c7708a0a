"""Limits on one feed field, so a hostile document costs milliseconds of sanitizing, not minutes.

nh3 (html5ever) builds a tree; its cost grows with the square of the nesting depth, so an item of
50,000 nested `<div>`s (0.55 MB) took 32 s and 200,000 (2.2 MB, under the body cap) more than five
minutes. Real posts nest a few dozen levels at most. A field nested deeper than MAX_HTML_DEPTH is
flattened to its text before any HTML parser sees it, a field longer than MAX_FIELD_CHARS is cut, and
both are reported so the IngestRun says what was changed and why.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from curator.lib.plural import counted

# Deep enough for any real article (tables in lists in blockquotes), shallow enough that the worst
# document under the body cap made of fields just under it still sanitizes in a few seconds.
MAX_HTML_DEPTH = 100
# Characters per field; the longest full-text posts in real feeds are a few hundred KB of HTML.
MAX_FIELD_CHARS = 1_000_000
# Notes kept per document: a feed of 5,000 hostile items gets a count, not 5,000 lines.
MAX_NOTES = 20

# `[^<>]` (not `[^>]`) keeps the scan linear on text full of `<` with no closing `>`.
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9:-]*)[^<>]*?(/?)>")
_ANY_TAG = re.compile(r"</?[A-Za-z!?][^<>]*>")
# Elements that never nest (html5ever closes them) and elements that cannot be opened at all.
_NOT_NESTING = {
    "area", "base", "br", "col", "colgroup", "dd", "dt", "embed", "hr", "img", "input", "li", "link",
    "meta", "optgroup", "option", "p", "param", "rp", "rt", "source", "tbody", "td", "tfoot", "th",
    "thead", "tr", "track", "wbr",
}  # fmt: skip


def too_deep(fragment: str, limit: int = MAX_HTML_DEPTH) -> bool:
    """Whether the elements of `fragment` nest more than `limit` deep, counted the way an HTML
    parser's stack would grow. Stops at the first element past the limit.

    Unclosed elements count as open, so this errs on the deep side; an end tag closes the innermost
    element of its name if one is open.
    """
    stack: list[str] = []
    for match in _TAG.finditer(fragment):
        closing, name, self_closing = match.groups()
        name = name.lower()
        if name in _NOT_NESTING or self_closing:
            continue
        if not closing:
            stack.append(name)
            if len(stack) > limit:
                return True
        elif stack and stack[-1] == name:
            stack.pop()
        elif name in stack[-16:]:
            # Misnested close (</b> while <i> is open): pops to it, as the parser would.
            del stack[len(stack) - 1 - stack[::-1].index(name) :]
    return False


def flatten(fragment: str) -> str:
    """The text of `fragment` with every tag removed: what is left can no longer nest."""
    return _ANY_TAG.sub(" ", fragment)


@dataclass
class Bounded:
    """What bounding changed in one entry (or the feed's own fields), for the IngestRun note."""

    flattened: list[str] = field(default_factory=list)  # field paths
    truncated: dict[str, int] = field(default_factory=dict)  # field path -> original length
    # feedparser keeps the same text under two keys (summary and summary_detail.value): scan it once.
    seen: dict[str, tuple[str, int, bool]] = field(default_factory=dict, repr=False)

    def __bool__(self) -> bool:
        return bool(self.flattened or self.truncated)

    def describe(self) -> str:
        parts = []
        if self.flattened:
            names = ", ".join(sorted(self.flattened))
            parts.append(f"HTML nested more than {MAX_HTML_DEPTH} elements deep flattened to plain text ({names})")
        if self.truncated:
            length = max(self.truncated.values())
            names = ", ".join(sorted(self.truncated))
            parts.append(f"{length:,} characters cut to {MAX_FIELD_CHARS:,} ({names})")
        return "; ".join(parts)


def bound_field(value: str, path: str, report: Bounded) -> str:
    """`value` cut and flattened as needed; the common case returns it untouched after two C scans."""
    if len(value) <= MAX_FIELD_CHARS and value.count("<") <= MAX_HTML_DEPTH:
        return value
    if value not in report.seen:
        # Flattening first (one linear pass) keeps the text that cutting the markup would lose.
        bounded, flattened = value, False
        if value.count("<") > MAX_HTML_DEPTH and too_deep(value):
            bounded, flattened = flatten(value), True
        cut_from = len(bounded) if len(bounded) > MAX_FIELD_CHARS else 0
        report.seen[value] = (bounded[:MAX_FIELD_CHARS], cut_from, flattened)
    bounded, cut_from, flattened = report.seen[value]
    if cut_from:
        report.truncated[path] = cut_from
    if flattened:
        report.flattened.append(path)
    return bounded


def bound_strings(node: object, report: Bounded, path: str = "") -> object:
    """Apply `bound_field` to every string under `node` (feedparser's dicts and lists), in place."""
    if isinstance(node, str):
        return bound_field(node, path, report)
    if isinstance(node, dict):
        for key, value in list(node.items()):
            node[key] = bound_strings(value, report, f"{path}.{key}" if path else str(key))
    elif isinstance(node, list):
        node[:] = [bound_strings(value, report, path) for value in node]
    return node


def bound_document(parsed: dict) -> list[str]:
    """Bound every field of feedparser's result in place; one note per entry that had to change."""
    notes = []
    report = Bounded()
    bound_strings(parsed.get("feed", {}), report)
    if report:
        notes.append(f"feed: {report.describe()}")
    unlisted = 0
    for index, raw in enumerate(parsed.get("entries", [])):
        report = Bounded()
        bound_strings(raw, report)
        if not report:
            continue
        if len(notes) < MAX_NOTES:
            title = " ".join(flatten(str(raw.get("title", ""))).split())[:80]
            notes.append(f"entry {index + 1} ({title!r}): {report.describe()}")
        else:
            unlisted += 1
    if unlisted:
        notes.append(f"... and {counted(unlisted, 'more entry', 'more entries')} bounded the same way")
    return notes
