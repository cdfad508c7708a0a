"""Entry embeddings, the team's relevance model and stories.

Public functions (imported lazily so the package can be imported before Django's apps are ready):

- ``relevance(entry_ids) -> dict[int, float]``: current score for every id given, higher = more likely a pick.
- ``related(entry_id) -> list[int]``: the other entries of its story.
"""

from __future__ import annotations


def relevance(entry_ids: list[int]) -> dict[int, float]:
    """Current score of each entry under the latest model (0-1); 0.0 for entries not embedded yet."""
    from curator.ranking.scoring import relevance as _relevance

    return _relevance(entry_ids)


def related(entry_id: int) -> list[int]:
    """The other entries of the entry's story (oldest first); [] when it is not part of one."""
    from curator.ranking.stories import related as _related

    return _related(entry_id)
