"""arXiv ids and DOIs in one normal form each, so v1 and v2 of a paper, or a DOI written as a URL, match."""

from __future__ import annotations

import re

# New style 2101.01234 (4 or 5 digits after the dot) and old style hep-th/9901001, each with an optional version.
_ARXIV_ID = r"(?P<id>\d{4}\.\d{4,5}|[a-z][a-z\-]*(?:\.[A-Z]{2})?/\d{7})(?:v(?P<version>\d+))?"
_ARXIV_IN_TEXT = re.compile(
    r"(?:arxiv\.org/(?:abs|pdf|html)/|oai:arxiv\.org:|arxiv:\s*)" + _ARXIV_ID + r"(?![\d])", re.IGNORECASE
)
_ARXIV_BARE = re.compile(r"^\s*" + _ARXIV_ID + r"\s*$")
_DOI = re.compile(r"(10\.\d{4,9}/[^\s\"'<>]+)")


def split_arxiv_id(text: str) -> tuple[str, int]:
    """(id without version, version or 0) from an abs/pdf URL, an oai: guid, 'arXiv:...' or a bare id."""
    text = text or ""
    match = _ARXIV_IN_TEXT.search(text) or _ARXIV_BARE.match(text)
    if not match:
        return "", 0
    arxiv_id = match.group("id")
    if "/" in arxiv_id:
        # Old-style ids carry an optional subject class (math.GT/0309136); the id itself is math/0309136.
        archive, number = arxiv_id.split("/", 1)
        arxiv_id = f"{archive.split('.')[0].lower()}/{number}"
    return arxiv_id, int(match.group("version") or 0)


def normalize_arxiv_id(text: str) -> str:
    return split_arxiv_id(text)[0]


def normalize_doi(text: str) -> str:
    """Lower-case bare DOI ("10.1000/xyz") from 'doi:...', a doi.org URL or the bare form; "" when none."""
    match = _DOI.search(text or "")
    if not match:
        return ""
    return match.group(1).rstrip(".,;)").lower()
