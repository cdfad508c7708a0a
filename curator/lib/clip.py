"""Cutting text to fit a list cell or a message: the one place that decides where the ellipsis goes."""

from __future__ import annotations


def clip(text: str, limit: int) -> str:
    """`text` if it fits in `limit` characters, else its start and "…", `limit` characters in all."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
