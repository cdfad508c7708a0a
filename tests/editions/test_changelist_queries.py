"""The triage list and the issue page cost the same number of queries at any size."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from curator.editions import workflow
from curator.editions.models import Issue
from summarizer.models import Draft
from tests.factories import add_pick, send

pytestmark = pytest.mark.django_db


def _populate(count, make_entry, make_draft, earlier):
    entries = []
    for n in range(count):
        entry = make_entry(f"Entry {n}")
        make_draft(entry, f"Model draft {n}.")
        make_draft(entry, f"Fallback draft {n}.", engine=Draft.Engine.FALLBACK)
        entries.append(entry)
    return entries


def _count(client, url) -> int:
    client.get(url)  # warm per-process caches (content types) so they do not count against size
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_it_lists_entries_in_a_constant_number_of_queries(
    client, editor, make_entry, make_draft, django_assert_num_queries
):
    client.force_login(editor)
    url = reverse("admin:feeds_entry_changelist")
    earlier = Issue.objects.create(title="Earlier", month=datetime.date(2026, 10, 1))
    small = _populate(3, make_entry, make_draft, earlier)
    for entry in small:
        add_pick(earlier, entry)
    send(earlier)
    baseline = _count(client, url)

    _populate(60, make_entry, make_draft, earlier)
    with django_assert_num_queries(baseline):
        response = client.get(url)
    assert len(response.context_data["cl"].result_list) == 63
    assert response.content.decode().count("⚠ in “Earlier”") == 3


def test_it_renders_the_issue_page_in_a_constant_number_of_queries(
    client, editor, make_entry, make_draft, issue, django_assert_num_queries
):
    client.force_login(editor)
    url = reverse("admin:editions_issue_change", args=[issue.pk])
    section = issue.sections.first()
    workflow.add_entries_to_issue(_populate(2, make_entry, make_draft, None), issue, section, editor)
    baseline = _count(client, url)

    workflow.add_entries_to_issue(_populate(20, make_entry, make_draft, None), issue, section, editor)
    with django_assert_num_queries(baseline):
        response = client.get(url)
    assert response.content.decode().count("Use this draft") == 44
