"""Topics: suggested from the nearest tagged picks, public pages and Atom feeds, links on the issue page."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from curator.editions.models import Pick
from curator.ranking.demo import read_demo_rows
from curator.search.models import Topic
from curator.search.topics import suggest

pytestmark = pytest.mark.django_db
MARCH = datetime.date(2026, 3, 1)


@pytest.fixture
def tagged(make_entry, make_issue, embedded):
    rows = read_demo_rows()
    robots = [r for r in rows if r["topic"] == "robot locomotion"][:4]
    probing = [r for r in rows if r["topic"] == "interpretability"][:4]
    issue = make_issue(MARCH, [make_entry(r["title"], r["abstract"]) for r in robots + probing])
    legged = Topic.objects.create(name="Legged robots", slug="legged-robots")
    inside = Topic.objects.create(name="Interpretability", slug="interpretability")
    for pick in Pick.objects.filter(issue=issue):
        (legged if any(pick.title == r["title"] for r in robots) else inside).picks.add(pick)
    embedded()
    return issue, legged, inside


def test_topics_are_suggested_from_the_nearest_tagged_picks(tagged, make_entry, embedded):
    _, legged, _inside = tagged
    new = make_entry("Bipedal walking over rough terrain learned in simulation", "A humanoid robot learns to walk.")
    embedded()
    assert suggest(new.pk) == [legged]  # the unrelated topic is not offered just because it exists
    probe = make_entry(
        "Sparse autoencoder features in a reward model",
        "Dictionary learning on a reward model's activations finds interpretable features that explain its biases.",
    )
    embedded()
    assert suggest(probe.pk) == [_inside]
    assert suggest(make_entry("Unembedded", "").pk) == []


def test_a_topic_page_lists_its_published_picks_with_a_feed(client, tagged, make_entry, make_issue):
    _issue, legged, _ = tagged
    draft = make_issue(datetime.date(2026, 4, 1), [make_entry("Draft robot pick <b>x</b>", "a")], sent=False)
    legged.picks.add(Pick.objects.get(issue=draft))

    page = client.get(reverse("search:topic", args=["legged-robots"])).content.decode()
    feed = client.get(reverse("search:topic_feed", args=["legged-robots"]))

    assert page.count('class="pick"') == 4 and "Draft robot pick" not in page
    assert feed.status_code == 200 and feed["Content-Type"].startswith("application/atom+xml")
    assert feed.content.count(b"<entry>") == 4 and b"Draft robot pick" not in feed.content
    assert client.get(reverse("search:topic", args=["nothing-here"])).status_code == 404


def test_the_issue_page_links_each_picks_topics_in_one_query(client, tagged):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    issue, legged, inside = tagged
    with CaptureQueriesContext(connection) as queries:
        html = client.get(reverse("editions:issue", args=[issue.slug])).content.decode()
    assert sum("search_topic_picks" in q["sql"] for q in queries.captured_queries) == 1
    assert html.count(f'href="/topics/{legged.slug}/"') == 4
    assert html.count(f'href="/topics/{inside.slug}/"') == 4
