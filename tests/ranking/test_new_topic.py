"""Off-topic entries (phone-app release notes) are never called likely picks: they score below the team's
weakest relevant entries, carry the "new topic" reason, and one decision on them still teaches the model."""

from __future__ import annotations

import numpy as np
import pytest

from benchmarks.new_topic import OFF_TOPIC_FILE
from curator.feeds.models import Entry
from curator.ranking import embed, fit, scoring
from curator.ranking.demo import INTERESTS, read_demo_rows
from curator.ranking.models import Interests, Relevance, RelevanceModel
from tests.support.demo_topics import INFERENCE, INTERPRETABILITY, ROBOTS

pytestmark = pytest.mark.django_db

RELEASE_NOTES = read_demo_rows(OFF_TOPIC_FILE)


def _team(from_rows) -> tuple[list[Entry], list[Entry]]:
    Interests.objects.update_or_create(pk=1, defaults={"text": INTERESTS})
    from_rows(INTERPRETABILITY[:5] + INFERENCE[:5], Entry.Triage.PICKED)
    from_rows(ROBOTS[:5], Entry.Triage.REJECTED)
    relevant = from_rows(INTERPRETABILITY[5:] + INFERENCE[5:])
    off_topic = from_rows(RELEASE_NOTES)
    embed.embed_entries()
    return relevant, off_topic


def test_off_topic_entries_score_below_the_weakest_relevant_entry(from_rows, settings):
    relevant, off_topic = _team(from_rows)
    model = fit.fit()
    assert model.kind == RelevanceModel.Kind.LOGISTIC
    scoring.rescore(model)
    score = dict(Relevance.objects.values_list("entry_id", "score"))
    flagged = dict(Relevance.objects.values_list("entry_id", "new_topic"))
    assert all(flagged[e.pk] for e in off_topic)
    assert max(score[e.pk] for e in off_topic) < settings.RANKING_LIKELY_SCORE
    # One relevant paper (causal scrubbing, nearest similarity 0.25) is itself far from all 15 decisions
    # and is marked a new topic too (docs/ranking.md); every other relevant entry outranks every release note.
    familiar = [e for e in relevant if not flagged[e.pk]]
    assert len(familiar) >= len(relevant) - 1
    assert max(score[e.pk] for e in off_topic) < min(score[e.pk] for e in familiar)


def test_new_topics_are_low_also_before_the_first_fit(from_rows):
    relevant, off_topic = _team(from_rows)
    Entry.objects.filter(triage=Entry.Triage.REJECTED).update(triage=Entry.Triage.NEW)  # picks only: cold start
    model = fit.fit()
    assert model.kind == RelevanceModel.Kind.COLD_START
    scoring.rescore(model)
    score = dict(Relevance.objects.values_list("entry_id", "score"))
    flagged = dict(Relevance.objects.values_list("entry_id", "new_topic"))
    familiar = [e for e in relevant if not flagged[e.pk]]
    assert len(familiar) >= len(relevant) - 1
    assert max(score[e.pk] for e in off_topic) < min(score[e.pk] for e in familiar)


def test_a_decision_on_a_new_topic_is_learned_as_before(from_rows):
    _, off_topic = _team(from_rows)
    picked = off_topic[:5]
    Entry.objects.filter(pk__in=[e.pk for e in picked]).update(triage=Entry.Triage.PICKED)
    scoring.rescore(fit.fit())
    rest = Relevance.objects.filter(entry__in=off_topic[5:])
    # Once release notes were picked, the ones like them are like something decided: no longer a new
    # topic, and the model ranks them as it learned (apps far from all five picked stay new topics).
    learned = [r.score for r in rest if not r.new_topic]
    assert len(learned) >= 4
    assert np.min(learned) > 0.5


def test_the_reason_shows_in_the_entry_list_and_on_the_desk(from_rows, admin_client):
    _, off_topic = _team(from_rows)
    scoring.rescore(fit.fit())
    listing = admin_client.get("/admin/feeds/entry/", {"triage__exact": "new"}).content.decode()
    assert Relevance.NEW_TOPIC_REASON in listing
    desk = admin_client.get(f"/admin/feeds/entry/desk/?entry={off_topic[0].pk}")
    assert Relevance.NEW_TOPIC_REASON in desk.content.decode()
    dashboard = admin_client.get("/admin/").content.decode()
    count = Relevance.objects.filter(new_topic=True).count()
    assert f"<strong>{count}</strong> scored low as new topics: nothing like them was picked or rejected" in dashboard
