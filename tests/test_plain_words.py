"""Editors read plain words in the admin, not Django's stock phrases or auto-made labels."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from curator.editions.models import Issue
from curator.feeds.models import Entry, Source
from curator.ranking.models import RelevanceModel
from summarizer import drafting, plain_reasons

pytestmark = pytest.mark.django_db


@pytest.fixture
def source() -> Source:
    return Source.objects.create(name="Lab notes", url="https://lab.example.org/feed")


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_lists_and_forms_say_what_to_do_in_plain_words(admin_client) -> None:
    issue = Issue.objects.create(title="Recommended reading", month=datetime.date(2026, 12, 1))

    listing = page(admin_client, reverse("admin:editions_issue_changelist"))
    assert "Choose which issue to open" in listing and "Select issue to change" not in listing
    assert "December 2026" in listing and "Dec. 1, 2026" not in listing

    form = page(admin_client, reverse("admin:editions_issue_change", args=[issue.pk]))
    assert "<h1>Edit issue</h1>" in form and "Change issue" not in form
    assert "Web address" in form and ">Slug:<" not in form
    assert "Past changes" in form and ">History<" not in form
    assert "Save and start a new one" in form and "Save and add another" not in form


def test_entry_fields_have_their_proper_names(admin_client, source) -> None:
    entry = Entry.objects.create(source=source, guid="p", url="https://arxiv.org/abs/2611.00001", title="A paper")
    form = page(admin_client, reverse("admin:feeds_entry_change", args=[entry.pk]))
    for plain in ("arXiv ID", "arXiv version", "DOI", "PDF link", "Link", "ID in the feed", "Canonical link"):
        assert f">{plain}:<" in form
    for decoded in ("Arxiv id", "ArXiv", "Doi:", "Pdf url", ">Url:<", ">Guid:<", "Canonical url"):
        assert decoded not in form


def test_a_sources_tags_are_comma_separated_words_not_a_json_box(admin_client, source) -> None:
    form = page(admin_client, reverse("admin:feeds_source_change", args=[source.pk]))
    assert ">arXiv search:<" in form and "Arxiv query" not in form and "ArXiv search" not in form
    assert ">Feed address:<" in form and ">Url:<" not in form
    assert ">Last HTTP status:<" in form and ">ETag:<" in form
    assert 'name="tags" value="[]"' not in form and ">[]</textarea>" not in form

    data = {
        "name": "Lab notes",
        "url": "https://lab.example.org/feed",
        "kind": Source.Kind.RSS,
        "arxiv_query": "",
        "active": "on",
        "section_hint": "",
        "tags": "robotics, agents",
        "fetch_full_text": "on",
    }
    response = admin_client.post(reverse("admin:feeds_source_change", args=[source.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    source.refresh_from_db()
    assert source.tags == ["robotics", "agents"]
    form = page(admin_client, reverse("admin:feeds_source_change", args=[source.pk]))
    assert 'value="robotics, agents"' in form


def test_the_ranking_quality_is_shown_with_two_decimals(admin_client) -> None:
    RelevanceModel.objects.create(kind=RelevanceModel.Kind.LOGISTIC, cv_auc=0.9199999999999999, positives=5)
    listing = page(admin_client, reverse("admin:ranking_relevancemodel_changelist"))
    assert "0.92" in listing and "0.9199999999999999" not in listing


def test_the_profile_report_explains_its_figures_on_the_page(admin_client) -> None:
    report = page(admin_client, reverse("admin:summarizer_decodingprofile_report"))
    assert "docs/feedback.md" not in report
    assert "Acceptance</em> is the share kept as is or lightly edited" in report


def test_no_help_text_holds_markup_that_the_admin_would_swallow() -> None:
    # The admin renders help_text as HTML: "/issues/<this>/" showed as "/issues//" on the issue page.
    from django.apps import apps

    fields = [(model, field) for model in apps.get_models() for field in model._meta.get_fields()]
    assert len(fields) > 100
    swallowed = [
        f"{model.__name__}.{field.name}"
        for model, field in fields
        if "<" in str(getattr(field, "help_text", "")) and model.__module__.startswith(("curator", "summarizer"))
    ]
    assert swallowed == []


def test_a_sent_issue_shows_its_month_and_send_time_in_plain_words(admin_client) -> None:
    sent_at = datetime.datetime(2026, 12, 4, 15, 42, tzinfo=datetime.UTC)
    issue = Issue.objects.create(
        title="Recommended reading", month=datetime.date(2026, 11, 1), status=Issue.Status.SENT, sent_at=sent_at
    )

    form = page(admin_client, reverse("admin:editions_issue_change", args=[issue.pk]))
    assert "November 2026" in form and "Nov. 1, 2026" not in form
    assert "4 December 2026, 15:42" in form and "p.m." not in form


def test_editors_read_why_drafts_are_extracts_in_plain_words(editor_client, make_entry, settings) -> None:
    """The operator's wording ("SUMMARIZER_MODEL is not set") stays in a tooltip, never in the text."""
    settings.SUMMARIZER_MODEL = ""
    entry = make_entry("paper")
    drafting.draft_entries([entry.pk])
    for url in (reverse("admin:index"), reverse("admin:feeds_entry_change", args=[entry.pk])):
        html = page(editor_client, url)
        assert "no drafting model is set up yet (an operator setting)" in html, url
        assert 'title="SUMMARIZER_MODEL is not set"' in html, url
        assert ">SUMMARIZER_MODEL" not in html and "(SUMMARIZER_MODEL" not in html and ": SUMMARIZER_MODEL" not in html


def test_other_fallback_reasons_read_as_the_model_being_unavailable() -> None:
    assert plain_reasons.for_editors("SUMMARIZER_API_BASE is not set") == plain_reasons.NOT_SET_UP
    assert plain_reasons.for_editors("OSError: cannot load /models/x") == plain_reasons.UNAVAILABLE
    assert plain_reasons.for_editors("") == ""
