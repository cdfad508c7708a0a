import pytest

from curator.feeds.models import Entry
from curator.ranking import embed, fit, scoring
from curator.ranking.models import Relevance
from tests.support.demo_topics import INFERENCE, INTERPRETABILITY, ROBOTS

pytestmark = pytest.mark.django_db


@pytest.fixture
def decided(from_rows):
    picks = from_rows(INTERPRETABILITY[:3] + INFERENCE[:3], Entry.Triage.PICKED)
    from_rows(ROBOTS[:5], Entry.Triage.REJECTED)
    return picks


def test_it_explains_a_score_with_the_nearest_real_past_picks(decided, from_rows):
    new = from_rows(INFERENCE[5:6])[0]  # kernels and serving: nearest picks are inference papers
    embed.embed_entries()
    scoring.rescore(fit.fit())
    like = Relevance.objects.get(entry=new).like
    assert 1 <= len(like) <= 3
    picked = {e.pk: e.title for e in decided}
    assert all(picked[pk] == title for pk, title in like)
    assert like[0][0] in {e.pk for e in decided[3:]}


def test_it_scores_only_new_entries_and_drops_scores_of_decided_ones(decided, from_rows):
    new = from_rows(INTERPRETABILITY[5:7])
    embed.embed_entries()
    assert scoring.rescore(fit.fit()) == 2
    Entry.objects.filter(pk=new[0].pk).update(triage=Entry.Triage.REJECTED)
    assert scoring.rescore() == 1
    assert list(Relevance.objects.values_list("entry_id", flat=True)) == [new[1].pk]


def test_it_gives_small_margins_to_entries_the_model_is_unsure_about(decided, from_rows):
    sure = from_rows(INTERPRETABILITY[6:7])[0]
    embed.embed_entries()
    scoring.rescore(fit.fit())
    row = Relevance.objects.get(entry=sure)
    assert row.margin == pytest.approx(abs(row.score - 0.5))


def test_it_writes_the_same_scores_through_the_orm_as_through_postgresql_arrays(make_entry):
    from django.utils import timezone

    a, b = make_entry("A"), make_entry("B")
    rows = [(a.pk, 0.9, 0.4, [[1, "A pick"]], False), (b.pk, 0.2, 0.3, [], True)]
    columns = ("entry_id", "score", "margin", "like", "new_topic")
    scoring._write_postgresql(rows, None, timezone.now())
    fast = list(Relevance.objects.order_by("pk").values_list(*columns))
    Relevance.objects.all().delete()
    scoring.write_portable(rows, None, timezone.now())
    assert list(Relevance.objects.order_by("pk").values_list(*columns)) == fast
    assert fast == [(a.pk, 0.9, 0.4, [[1, "A pick"]], False), (b.pk, 0.2, 0.3, [], True)]
    scoring._write_postgresql([(a.pk, 0.5, 0.0, [], False)], None, timezone.now())  # upsert, not a duplicate
    assert Relevance.objects.get(entry=a).score == 0.5


def test_it_rescores_nothing_when_no_new_entry_is_embedded_yet() -> None:
    # The demo's newsroom asked for a refit before any entry was embedded: a (0, 0) matrix met the
    # interests vector of a cold-start model and `make run` stopped with a numpy shape error.
    from curator.ranking import vectors
    from curator.ranking.models import RelevanceModel

    model = RelevanceModel(kind=RelevanceModel.Kind.COLD_START, weights=vectors.to_bytes([1.0 / 384**0.5] * 384))
    assert scoring.rescore(model) == 0


def test_it_never_explains_an_entry_by_itself() -> None:
    # A suggested entry counts as a positive for the ranking; its "like" line named the entry itself.
    import numpy as np

    from curator.ranking import dataset

    unit = np.eye(3, dtype=np.float32)
    picks = dataset.Embedded(ids=[7, 8], matrix=unit[:2], titles=["Itself", "Another pick"])
    similarity = np.array([[1.0, 0.9]])
    assert scoring._explain(similarity, picks, [7]) == [[[8, "Another pick"]]]
