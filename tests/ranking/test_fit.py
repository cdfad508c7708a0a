import pytest

from curator.feeds.models import Entry
from curator.ranking import embed, fit, scoring
from curator.ranking.models import Interests, Relevance, RelevanceModel
from curator.ranking.scoring import relevance
from tests.support.demo_topics import INFERENCE, INTERPRETABILITY, ROBOTS

pytestmark = pytest.mark.django_db


def _embed_all() -> None:
    embed.embed_entries()


def test_it_ranks_new_entries_on_the_picked_topic_above_the_rejected_one(from_rows):
    from_rows(INTERPRETABILITY[:5], Entry.Triage.PICKED)
    from_rows(ROBOTS[:5], Entry.Triage.REJECTED)
    new_a = from_rows(INTERPRETABILITY[5:10])
    new_b = from_rows(ROBOTS[5:10])
    _embed_all()
    model = fit.fit()
    assert model.kind == RelevanceModel.Kind.LOGISTIC
    assert (model.positives, model.negatives) == (5, 5)
    scores = relevance([e.pk for e in new_a + new_b])
    assert min(scores[e.pk] for e in new_a) > max(scores[e.pk] for e in new_b)


def test_it_reports_a_cross_validated_auc_on_the_team_decisions(from_rows):
    from_rows(INTERPRETABILITY[:6], Entry.Triage.PICKED)
    from_rows(ROBOTS[:6], Entry.Triage.REJECTED)
    _embed_all()
    model = fit.fit()
    assert model.cv_auc is not None and model.cv_auc > 0.9


def test_it_falls_back_to_cold_start_when_only_one_class_exists(from_rows):
    from_rows(INTERPRETABILITY[:6], Entry.Triage.PICKED)  # enough picks, but not one rejection
    new = from_rows(INTERPRETABILITY[6:8] + ROBOTS[:2])
    _embed_all()
    model = fit.fit()
    assert model.kind == RelevanceModel.Kind.COLD_START
    assert "no rejections" in model.note
    scores = relevance([e.pk for e in new])
    assert min(scores[e.pk] for e in new[:2]) > max(scores[e.pk] for e in new[2:])


def test_it_falls_back_to_cold_start_when_the_fit_itself_fails(from_rows, monkeypatch):
    from_rows(INTERPRETABILITY[:5], Entry.Triage.PICKED)
    from_rows(ROBOTS[:2], Entry.Triage.REJECTED)
    _embed_all()

    def cannot_fit(matrix, labels):
        raise ValueError("This solver needs samples of at least 2 classes in the data")

    monkeypatch.setattr(fit, "train", cannot_fit)
    model = fit.fit()
    assert model.kind == RelevanceModel.Kind.COLD_START
    assert model.note.startswith("fit failed")


def test_it_uses_the_interests_text_before_there_are_five_picks(from_rows):
    Interests.objects.create(pk=1, text="Making language model inference fast: quantization, batching, caching.")
    new = from_rows(INFERENCE[:3] + ROBOTS[:3])
    _embed_all()
    model = fit.fit()
    assert model.kind == RelevanceModel.Kind.COLD_START and model.weights
    scoring.rescore(model)
    scores = dict(Relevance.objects.values_list("entry_id", "score"))
    assert min(scores[e.pk] for e in new[:3]) > max(scores[e.pk] for e in new[3:])


def test_it_scores_every_id_given_even_unknown_ones(from_rows):
    entry = from_rows(INFERENCE[:1])[0]
    assert relevance([entry.pk, 999_999]) == {entry.pk: 0.0, 999_999: 0.0}  # nothing embedded, no model
