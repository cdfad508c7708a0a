"""Tidying generated text before an editor sees it.

Models stop at a token budget, not at a full stop, and small or badly tuned ones loop. Editors
should not have to fix either by hand, so: whitespace is normalized, an unfinished trailing
sentence is dropped (when a finished one precedes it), and sentences repeated verbatim are removed.
"""

from __future__ import annotations

import re

from curator.feeds.sanitize import strip_controls

_CLOSERS = "\"'\u201d\u2019)\\]"
_OPENERS = "\"'\u201c\u2018(\\["
_SENTENCE_END = re.compile(f"[.!?\u2026][{_CLOSERS}]*$")
# A split point: end punctuation, whitespace, then something that can start a sentence.
_SPLIT = re.compile(f"(?<=[.!?\u2026])[{_CLOSERS}]*\\s+(?=[{_OPENERS}]?[A-Z0-9])")
_ABBREVIATIONS = ("e.g.", "i.e.", "et al.", "etc.", "vs.", "Fig.", "Eq.", "Dr.", "Mr.", "Ms.", "No.")


def normalize_whitespace(text: str) -> str:
    return re.sub(r"\s+", " ", strip_controls(text)).strip()


def split_sentences(text: str) -> list[str]:
    """Sentences of one paragraph; a split after a known abbreviation is undone."""
    pieces: list[str] = []
    start = 0
    for match in _SPLIT.finditer(text):
        candidate = text[start : match.start()].strip()
        if candidate.endswith(_ABBREVIATIONS):
            continue
        pieces.append(text[start : match.end()].strip())
        start = match.end()
    tail = text[start:].strip()
    if tail:
        pieces.append(tail)
    return pieces


def _key(sentence: str) -> str:
    return re.sub(r"[^\w]+", " ", sentence.lower()).strip()


def clean(text: str) -> str:
    """The text an editor sees: tidy, finished, without repeated sentences."""
    sentences = split_sentences(normalize_whitespace(text))
    if len(sentences) > 1 and not _SENTENCE_END.search(sentences[-1]):
        sentences = sentences[:-1]
    kept: list[str] = []
    seen: set[str] = set()
    for sentence in sentences:
        key = _key(sentence)
        if key and key in seen:
            continue
        seen.add(key)
        kept.append(sentence)
    return " ".join(kept)
