"""The embedded demo shows a ranked inbox: team topics first, with reasons, and stories."""

import pytest
from django.core.management import call_command

from curator.ranking.demo import read_demo_rows
from curator.ranking.models import Relevance, RelevanceModel, Story

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _demo_var_dir(settings, tmp_path) -> None:
    settings.VAR_DIR = tmp_path
    settings.SUMMARIZER_MODEL = ""


def test_it_ranks_the_demo_week_with_the_team_topics_first(capsys):
    call_command("load_demo")
    model = RelevanceModel.objects.latest()
    assert model.kind == RelevanceModel.Kind.LOGISTIC and model.negatives == 5
    team = {row["title"] for row in read_demo_rows() if row["label"] == 1}
    ranked = list(Relevance.objects.select_related("entry__source").order_by("-score"))
    labels = [r.entry.title in team for r in ranked if r.entry.source.name.endswith("(demo)")]
    assert labels == sorted(labels, reverse=True), "every team-topic entry ranks above every other"
    assert all(r.like for r in ranked[:5])
    assert Story.objects.count() == 3
