"""Each model's admin is registered once; pages several apps build are composed in curator/admin.py."""

from __future__ import annotations

from pathlib import Path

from django.contrib import admin
from django.urls import reverse

from curator.editions.models import Issue
from curator.feeds.models import Entry

ROOT = Path(__file__).resolve().parent.parent
PROJECT_ADMIN = ROOT / "curator" / "admin.py"


def app_sources() -> list[Path]:
    return [*ROOT.joinpath("curator").rglob("*.py"), *ROOT.joinpath("summarizer").rglob("*.py")]


def test_it_registers_the_shared_pages_in_the_project_admin() -> None:
    for model in (Entry, Issue):
        assert type(admin.site.get_model_admin(model)).__module__ == "curator.admin", model


def test_it_never_unregisters_an_app_admin() -> None:
    # Only curator/admin.py replaces admins, and only third-party ones (django-celery-beat, django-axes).
    sources = app_sources()
    assert PROJECT_ADMIN in sources and len(sources) > 100  # it walked the tree, not an empty folder
    offenders = [path for path in sources if path != PROJECT_ADMIN and "unregister(" in path.read_text()]
    assert offenders == []


def test_it_shows_every_apps_columns_filters_and_actions_on_the_entry_list() -> None:
    entry_admin = admin.site.get_model_admin(Entry)
    assert entry_admin.list_display == [
        "title",
        "relevance_column",
        "story_column",
        "source_name",
        "triage",
        "published",
        "best_draft_line",
        "featured_warning",
        "team_marks",
    ]
    assert entry_admin.actions == [
        "draft_with_profile",
        "shortlist_entries",
        "reject_entries",
        "add_to_issue",
        "shortlist_stories",
        "reject_stories",
    ]
    assert [getattr(f, "__name__", f) for f in entry_admin.list_filter][:1] == ["RankingFilter"]


def test_it_keeps_the_sending_url_names_under_the_issue_admin() -> None:
    for name in ("preview", "send_test", "send", "progress", "pause", "resume", "schedule", "unschedule", "clicks"):
        assert reverse(f"admin:editions_issue_{name}", args=[1]).startswith("/admin/editions/issue/1/")
