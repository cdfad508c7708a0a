"""Side-by-side columns: the time limit between columns, and the offline-extract rule per way of drafting."""

from __future__ import annotations

from collections.abc import Iterator

from summarizer import comparison, drafting, prompts
from summarizer.models import DecodingProfile

SOURCE = prompts.Source("Sparse attention", "Sparse Ladder Attention reads 64,000 tokens with 40% less memory.")


def ticking(step: float) -> Iterator[float]:
    """A clock that moves `step` seconds each time it is read: the limit is tested without waiting."""
    now = 0.0
    while True:
        yield now
        now += step


def columns(*names: str) -> list[comparison.Column]:
    profiles = {p.name: p for p in DecodingProfile.objects.filter(name__in=names)}
    return comparison.columns_for([profiles[name] for name in names], None)


def test_it_stops_starting_columns_once_the_limit_is_used(db, use_model):
    use_model("seq2seq")
    clock = ticking(10.0)
    result = comparison.run(
        SOURCE, columns("Greedy", "Contrastive", "Top-k 50"), budget_seconds=15, clock=lambda: next(clock)
    )
    assert [r.column.label for r in result.shown] == ["Greedy", "Contrastive"]
    assert result.skipped == [
        ("the columns before used up this page's 15-second limit; tick fewer to run these", ["Top-k 50"])
    ]
    assert all(any(d.engine == "model" for d in r.drafts) for r in result.shown)


def test_it_always_runs_the_first_column(db, use_model):
    use_model("seq2seq")
    clock = ticking(100.0)
    result = comparison.run(SOURCE, columns("Greedy"), budget_seconds=0, clock=lambda: next(clock))
    assert [r.column.label for r in result.shown] == ["Greedy"]


def test_it_still_runs_another_way_of_drafting_after_an_offline_extract(db):
    """A column drafted another way (a server's model, say) is not the same extract: it still runs."""

    def other_engine(source: prompts.Source, knobs) -> list[drafting.Generated]:
        return drafting.preview(source, knobs)

    local = columns("Greedy", "Contrastive")
    other = comparison.Column("Other engine", local[0].knobs, generate=other_engine)
    result = comparison.run(SOURCE, [*local, other], budget_seconds=60)
    assert [r.column.label for r in result.shown] == ["Greedy", "Other engine"]
    assert result.skipped == [(comparison.SAME_EXTRACT, ["Contrastive"])]
    assert result.shown[1].same_as == "Greedy"
