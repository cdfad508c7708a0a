import io
import json

import pytest
from django.core.management import CommandError, call_command

from curator.feeds.models import Entry
from curator.ranking import embed
from curator.ranking.models import Embedding, Relevance
from tests.support.demo_topics import INFERENCE, ROBOTS

pytestmark = pytest.mark.django_db


def _rank(*args: str) -> str:
    out = io.StringIO()
    call_command("rank", *args, "--no-progress", stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_it_embeds_what_is_missing_refits_and_rescores(from_rows):
    from_rows(INFERENCE[:6], Entry.Triage.PICKED)
    from_rows(ROBOTS[:4], Entry.Triage.REJECTED)
    new = from_rows(INFERENCE[6:8] + ROBOTS[4:6])
    figures = json.loads(_rank("--json").strip().splitlines()[-1])
    assert figures["embedded"] == 14 and figures["scored"] == 4
    assert figures["model"] == "logistic" and (figures["positives"], figures["negatives"]) == (6, 4)
    assert figures["cv_auc"] > 0.9
    assert Embedding.objects.count() == 14 and Relevance.objects.count() == len(new)
    assert json.loads(_rank("--json").strip())["embedded"] == 0  # nothing recomputed the second time


def test_it_prints_a_readable_summary_with_the_auc(from_rows):
    from_rows(INFERENCE[:2], Entry.Triage.PICKED)
    text = _rank()
    assert "embedded 2" in text and "cold start" in text and "AUC n/a" in text


def test_it_fails_clearly_when_the_embedder_cannot_load(from_rows, monkeypatch):
    from_rows(INFERENCE[:1])

    def unavailable() -> None:
        raise embed.EmbedderUnavailable("OSError: no model files")

    monkeypatch.setattr(embed, "_load", unavailable)
    with pytest.raises(CommandError, match="cannot load the MiniLM embedder"):
        _rank()
    assert not Embedding.objects.exists()
