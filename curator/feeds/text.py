"""Which of an entry's texts drafts, embeddings and ranking read.

A post's feed often carries a teaser in <description> and the whole article in content:encoded (or
the article page was fetched for a teaser): the teaser stays the abstract editors see, the body is
what a blurb should be written from. A paper's abstract is its authors' own summary and wins.
"""

from __future__ import annotations


def best_text(kind: str, abstract: str, full_text: str) -> str:
    """The richest text for reading an entry: the full body of a post, the abstract of a paper."""
    abstract, full_text = (abstract or "").strip(), (full_text or "").strip()
    if kind == "paper":
        return abstract or full_text
    return full_text or abstract
