"""The text/plain part reads as text: Markdown rendered, bylines on their own line, names whole."""

from __future__ import annotations

import datetime

import pytest

from curator.editions.content import markdown_to_text
from curator.editions.models import Issue, Pick
from curator.mailing.models import Subscriber
from curator.mailing.render import render_issue, wrap_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def reader() -> Subscriber:
    return Subscriber.objects.create(email="mia@example.com", name="Mia", status="active")


def make_pick(blurb: str, byline: str) -> Issue:
    issue = Issue.objects.create(
        title="Recommended reading",
        month=datetime.date(2026, 11, 1),
        intro="This month: **agents** and _evaluation_.",
        status=Issue.Status.DRAFT,
    )
    Pick.objects.create(
        issue=issue,
        section=issue.sections.first(),
        title="Evaluating agents honestly",
        url="https://research.example.org/agents",
        blurb=blurb,
        byline=byline,
        position=0,
    )
    return issue


def test_it_renders_markdown_as_text():
    text = markdown_to_text(
        "A **careful** look, with _honest_ numbers and [code](https://code.example.net/x).\n\n"
        "- one *point*\n- two\n\n1. first\n2. second\n\nSee <https://example.org/a> & `x < y`."
    )
    assert text == (
        "A careful look, with honest numbers and code (https://code.example.net/x).\n\n"
        "- one point\n- two\n\n1. first\n2. second\n\nSee https://example.org/a & x < y."
    )


def test_it_puts_the_byline_on_its_own_line_and_keeps_the_name_whole(reader, settings):
    settings.MAILING_TRACK_CLICKS = False
    blurb = (
        "The authors rebuild three agent benchmarks with held-out tasks and show that **most reported gains** "
        "vanish once tool calls are counted; see [their code](https://code.example.net/agents) for the harness "
        "and read the whole post."
    )
    issue = make_pick(blurb, "Demo\nEditor")
    _, _, text = render_issue(issue, reader)
    lines = text.splitlines()
    assert "— Demo Editor" in lines
    byline = lines.index("— Demo Editor")
    assert lines[byline - 1].endswith("read the whole post.")
    assert "**" not in text and "_evaluation_" not in text and "](" not in text
    assert "This month: agents and evaluation." in text
    assert "their code (https://code.example.net/agents)" in " ".join(lines)
    assert all(len(line) <= 76 for line in lines if not line.startswith(("— ", "Unsubscribe", "  http")))


def test_it_keeps_a_long_byline_in_one_piece():
    byline = "— Dr. Maria-Magdalena Fernández-Oyarzábal, with help from the whole reading group"
    assert wrap_text(f"Some blurb.\n{byline}\n") == f"Some blurb.\n{byline}\n"


def test_it_wraps_list_items_under_their_text():
    item = "- " + "word " * 30
    wrapped = wrap_text(item).splitlines()
    assert wrapped[0].startswith("- ") and all(line.startswith("  word") for line in wrapped[1:])


def test_it_shows_a_byline_without_a_blurb(reader):
    issue = make_pick("", "Demo Editor")
    _, _, text = render_issue(issue, reader)
    assert "— Demo Editor" in text.splitlines()
