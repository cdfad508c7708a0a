"""Messages count in English: "1 entry marked rejected", "2 entries", never "1 entries" or "entry(s)"."""

from __future__ import annotations

import pytest
from django.urls import reverse

from curator.feeds.models import Entry
from curator.lib.plural import counted

pytestmark = pytest.mark.django_db
URL = reverse("admin:feeds_entry_changelist")


@pytest.mark.parametrize(
    ("number", "expected"), [(0, "0 entries"), (1, "1 entry"), (2, "2 entries"), (21, "21 entries")]
)
def test_it_counts_with_the_right_noun(number, expected):
    assert counted(number, "entry", "entries") == expected


def test_it_reports_one_rejected_entry_in_the_singular(editor_client, make_entry):
    a, b, picked = make_entry(), make_entry(), make_entry(triage=Entry.Triage.PICKED)
    editor_client.post(URL, {"action": "reject_entries", "_selected_action": [a.pk, picked.pk]})
    editor_client.post(URL, {"action": "shortlist_entries", "_selected_action": [a.pk, b.pk]})
    messages = [str(m) for m in editor_client.get(URL).context["messages"]]
    assert messages == [
        "1 entry marked rejected.",
        "1 picked entry left as it is: remove it from its issue first.",
        "2 entries marked shortlisted.",
    ]


def test_it_reports_one_added_entry_in_the_singular(editor_client, make_entry, issue):
    entry = make_entry("Only pick")
    section = issue.sections.get(title="Research updates")
    done = editor_client.post(
        URL,
        {"action": "add_to_issue", "_selected_action": [entry.pk], "apply": "yes", "section": section.pk},
        follow=True,
    )
    assert "1 entry added to “Research updates”" in done.content.decode()
