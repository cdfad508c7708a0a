"""The demo that `make run` loads, at 1366x768: every screen an editor opens first fits without sideways scrolling.

The other fit tests build their own rows; the demo's carry everything at once (relevance with its "like:" line,
stories, team marks, every filter), which once pushed the entry list past its box.
"""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.urls import reverse

from curator.editions.models import Issue
from curator.feeds.models import Entry
from tests.support.browser import assert_fits, log_in


@pytest.fixture
def demo(roles, settings, tmp_path) -> str:
    """The demo as `make run` loads it; `roles` restores the groups an earlier transactional test flushed."""
    settings.VAR_DIR = tmp_path
    settings.SUMMARIZER_MODEL = ""  # the demo drafts offline
    call_command("load_demo", verbosity=0)
    return (tmp_path / "demo-login.txt").read_text()


def test_the_demo_screens_fit_a_laptop(demo, live_server, page) -> None:
    page.set_viewport_size({"width": 1366, "height": 768})
    log_in(page, live_server.url, "demo", demo)
    issue = Issue.objects.exclude(status=Issue.Status.SENT).order_by("-month").first()
    entry = Entry.objects.order_by("pk").first()
    screens = {
        "dashboard": reverse("admin:index"),
        "entries": reverse("admin:feeds_entry_changelist"),
        "entry": reverse("admin:feeds_entry_change", args=[entry.pk]),
        "issues": reverse("admin:editions_issue_changelist"),
        "issue": reverse("admin:editions_issue_change", args=[issue.pk]),
        "sources": reverse("admin:feeds_source_changelist"),
    }
    for name, url in screens.items():
        page.goto(f"{live_server.url}{url}")
        assert_fits(page, f"demo-fit-{name}")
