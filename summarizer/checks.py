"""A cheap hallucination check: numbers and capitalized names that the source never mentions.

It cannot tell whether a claim is true, only whether its specifics came from the source text,
which is exactly what an editor needs to know before checking a blurb.
"""

from __future__ import annotations

import re

from summarizer.postprocess import split_sentences

_NUMBER = re.compile(r"(?<![\w.-])\d+(?:[.,]\d+)*(?:%|x|\u00d7)?(?![\w])")
_NAME = re.compile(r"\b[A-Z][\w-]*(?:[A-Z0-9][\w-]*)?\b")
# Capitalized because of grammar rather than because they name something.
_COMMON_TEXT = (
    "a an and as at but by for from he her his how i if in into is it its new our she so that the their "
    "them these they this those to we what when where which while who why with you your"
)
_COMMON = frozenset(_COMMON_TEXT.split())
OPENERS = " \"'\u201c\u2018(["


def _number_key(number: str) -> str:
    """93.50 and 93.5 are the same number; 3,000 and 3000 too."""
    key = number.replace(",", "").rstrip("%x\u00d7")
    if "." in key:
        key = key.rstrip("0").rstrip(".")
    return key or "0"


def _numbers(text: str) -> list[str]:
    return [m.group(0) for m in _NUMBER.finditer(text)]


def _names(text: str) -> list[str]:
    names: list[str] = []
    for sentence in split_sentences(text):
        for index, match in enumerate(_NAME.finditer(sentence)):
            word = match.group(0)
            first = index == 0 and sentence[: match.start()].strip(OPENERS) == ""
            distinctive = any(c.isdigit() for c in word) or sum(c.isupper() for c in word) > 1
            if first and not distinctive:
                continue  # sentence-initial capital: grammar, not a name
            if word.lower() in _COMMON:
                continue
            names.append(word)
    return names


def unsupported(text: str, source: str) -> list[str]:
    """Numbers and names in `text` absent from `source`, in order of appearance, without repeats."""
    source_numbers = {_number_key(n) for n in _numbers(source)}
    source_words = {w.lower() for w in re.findall(r"[\w-]+", source)}
    source_lower = source.lower()
    flags: list[str] = []
    for number in _numbers(text):
        if _number_key(number) not in source_numbers and number not in flags:
            flags.append(number)
    for name in _names(text):
        present = name.lower() in source_words or name.lower() in source_lower
        if not present and name not in flags:
            flags.append(name)
    return flags
