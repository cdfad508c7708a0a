"""Vectors as compact bytes, and cosine similarity as one matrix product.

At a team's scale (up to ~200k entries x 384 float32 = ~300 MB) a numpy product is a fraction of a
second; beyond that, or when several processes need the index, pgvector's HNSW index would take over.
"""

from __future__ import annotations

import numpy as np

DTYPE = np.float32


def to_bytes(vector: np.ndarray) -> bytes:
    return np.asarray(vector, dtype=DTYPE).tobytes()


def from_bytes(data: bytes | memoryview) -> np.ndarray:
    return np.frombuffer(bytes(data), dtype=DTYPE)


def stack(blobs: list[bytes | memoryview]) -> np.ndarray:
    """Rows of unit vectors; an empty list gives a (0, 0) matrix the callers can test with `.size`."""
    if not blobs:
        return np.zeros((0, 0), dtype=DTYPE)
    return np.vstack([from_bytes(blob) for blob in blobs])


def normalize(matrix: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(matrix, axis=-1, keepdims=True)
    return matrix / np.maximum(norms, 1e-12)


def cosine(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Similarity of every row of `a` to every row of `b` (both already unit length)."""
    if a.size == 0 or b.size == 0:
        return np.zeros((len(a), len(b)), dtype=DTYPE)
    return a @ b.T
