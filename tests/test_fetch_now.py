"""Fetch now in the eager demo says what it did (the fetch already ran inside the request), not "Queued".

Here, unlike tests/feeds/, the other apps' receivers stay connected: drafting and ranking run too.
"""

from __future__ import annotations

import pytest

from curator.feeds.models import Entry, IngestRun
from curator.ranking.models import Relevance
from summarizer.models import Draft

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("allow_loopback")]


def fetch_now(client, *sources) -> str:
    response = client.post(
        "/admin/feeds/source/", {"action": "fetch_now", "_selected_action": [s.pk for s in sources]}, follow=True
    )
    assert response.status_code == 200
    return response.content.decode()


def test_the_eager_demo_says_how_many_new_entries_were_fetched_drafted_and_ranked(admin_client, make_source):
    source = make_source("rss091.xml", name="Sparse Thoughts", fetch_full_text=False)

    body = fetch_now(admin_client, source)

    new = list(Entry.objects.filter(source=source).values_list("pk", flat=True))
    assert len(new) == 2
    assert Draft.objects.filter(entry_id__in=new).values("entry_id").distinct().count() == 2
    assert Relevance.objects.filter(entry_id__in=new).count() == 2
    assert "Fetched Sparse Thoughts: 2 new entries, drafted and ranked." in body
    assert "Queued" not in body
    assert IngestRun.objects.get(source=source).trigger == "admin"


def test_a_second_fetch_says_nothing_was_new_and_a_failure_is_named(admin_client, make_source):
    good = make_source("rss091.xml", name="Sparse Thoughts", fetch_full_text=False)
    fetch_now(admin_client, good)
    broken = make_source("status/500", name="Broken Blog", fetch_full_text=False)

    body = fetch_now(admin_client, good, broken)

    assert "Fetched 2 sources: no new entries." in body
    assert "Broken Blog failed: HTTP 500" in body
    assert "Queued" not in body
