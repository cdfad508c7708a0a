"""Editing topics on the entry page: the field, the one-click apply, who may, and hostile names."""

from __future__ import annotations

import datetime
import re

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from curator.editions.models import Issue, Pick
from curator.ranking.demo import read_demo_rows
from curator.search import documents, search
from curator.search.models import Document, Topic
from curator.search.topics import suggest
from tests.support.forms import change_form_data, inline_prefix

pytestmark = pytest.mark.django_db
MARCH = datetime.date(2026, 3, 1)
HOSTILE = ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>']


def topics_url(entry) -> str:
    return reverse("admin:feeds_entry_topics", args=[entry.pk])


def apply_url(entry_id: int) -> str:
    return reverse("admin:feeds_entry_apply_topics", args=[entry_id])


def test_an_editor_chooses_topics_and_creates_one_by_name(editor_client, make_entry):
    entry = make_entry("Diffusion for video", "Frames from noise.")
    kept = Topic.objects.create(name="Generative models", slug="generative-models")
    Topic.objects.create(name="Robots", slug="robots")

    page = editor_client.get(reverse("admin:feeds_entry_change", args=[entry.pk])).content.decode()
    assert 'name="new_topic"' in page and f'<option value="{kept.pk}"' in page

    response = editor_client.post(topics_url(entry), {"topic": [str(kept.pk)], "new_topic": "  Video   models  "})
    assert response.status_code == 302 and response["Location"].endswith(f"/{entry.pk}/change/#topics")
    assert sorted(entry.topics.values_list("name", flat=True)) == ["Generative models", "Video models"]
    assert Topic.objects.get(name="Video models").slug == "video-models"

    # Same name in another case: the existing topic, not a second one; unchosen topics are removed.
    editor_client.post(topics_url(entry), {"new_topic": "ROBOTS"})
    assert list(entry.topics.values_list("slug", flat=True)) == ["robots"]
    assert Topic.objects.count() == 3


def test_slugs_are_deduplicated_and_names_limited(editor_client, make_entry):
    entry = make_entry("An entry", "x")
    Topic.objects.create(name="Other name", slug="rl")
    editor_client.post(topics_url(entry), {"new_topic": "RL"})
    editor_client.post(topics_url(entry), {"new_topic": "x" * 300})
    assert Topic.objects.get(name="RL").slug == "rl-2"
    assert Topic.objects.filter(name="x" * 100).exists()


def test_a_blank_name_is_refused_with_a_message_and_changes_nothing(editor_client, make_entry):
    entry = make_entry("An entry", "x")
    kept = Topic.objects.create(name="Kept", slug="kept")
    entry.topics.add(kept)

    response = editor_client.post(topics_url(entry), {"new_topic": "   \t "}, follow=True)

    assert "A topic name cannot be empty or only spaces." in response.content.decode()
    assert list(entry.topics.all()) == [kept] and Topic.objects.count() == 1


@pytest.fixture
def tagged(make_entry, make_issue, embedded):
    robots = [r for r in read_demo_rows() if r["topic"] == "robot locomotion"][:4]
    issue = make_issue(MARCH, [make_entry(r["title"], r["abstract"]) for r in robots])
    legged = Topic.objects.create(name="Legged robots", slug="legged-robots")
    legged.picks.add(*Pick.objects.filter(issue=issue))
    new = make_entry("Bipedal walking over rough terrain learned in simulation", "A humanoid robot learns to walk.")
    embedded()
    return new, legged


def test_one_click_applies_the_suggested_topics(editor_client, tagged):
    new, legged = tagged
    assert suggest(new.pk) == [legged]
    page = editor_client.get(reverse("admin:feeds_entry_change", args=[new.pk])).content.decode()
    assert f'formaction="{apply_url(new.pk)}"' in page and "csrfmiddlewaretoken" in page

    response = editor_client.post(apply_url(new.pk), follow=True)

    assert list(new.topics.all()) == [legged]
    assert "Applied suggested topics: Legged robots (1 new)." in response.content.decode()


def test_the_apply_endpoint_needs_post_and_an_existing_entry(editor_client, tagged):
    new, _ = tagged
    assert editor_client.get(apply_url(new.pk)).status_code == 405
    assert editor_client.post(apply_url(987654)).status_code == 404
    assert editor_client.post(topics_url(type("E", (), {"pk": 987654}))).status_code == 404
    assert editor_client.post(f"/admin/feeds/entry/{new.pk}x/topics/apply/").status_code in (301, 302, 404)


@pytest.fixture
def contributor_client(client, django_user_model):
    user = django_user_model.objects.create_user("chris", "c@example.org", "pw", is_staff=True)
    user.groups.add(Group.objects.get(name="Contributor"))
    client.force_login(user)
    return client


def test_contributors_and_anonymous_visitors_cannot_edit_topics(client, contributor_client, tagged):
    new, legged = tagged
    assert contributor_client.post(apply_url(new.pk)).status_code == 403
    forged = {"topic": [str(legged.pk)], "new_topic": "Sneaky"}
    assert contributor_client.post(topics_url(new), forged).status_code == 403
    page = contributor_client.get(reverse("admin:feeds_entry_change", args=[new.pk])).content.decode()
    assert 'name="new_topic"' not in page and "Apply suggested topics" not in page
    contributor_client.logout()
    assert client.post(apply_url(new.pk)).status_code == 302  # to the login page
    assert not new.topics.exists() and not Topic.objects.filter(name="Sneaky").exists()


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_topic_names_render_inert_everywhere(editor_client, client, make_entry, make_issue, name):
    entry = make_entry("Escaping entry", "x")
    issue = make_issue(MARCH, [entry], sent=False)  # a draft: its pick cards are editable
    editor_client.post(topics_url(entry), {"new_topic": name})
    topic = Topic.objects.get(name=name)
    topic.picks.add(Pick.objects.get(issue=issue))

    pages = {
        "entry page": editor_client.get(reverse("admin:feeds_entry_change", args=[entry.pk])),
        "pick card": editor_client.get(reverse("admin:editions_issue_change", args=[issue.pk])),
    }
    Issue.objects.filter(pk=issue.pk).update(status=Issue.Status.SENT, sent_at=timezone.now())
    pages["issue page"] = client.get(reverse("editions:issue", args=[issue.slug]))
    pages["topic page"] = client.get(reverse("search:topic", args=[topic.slug]))
    for where, response in pages.items():
        html = response.content.decode()
        assert response.status_code == 200, where
        assert "<script>alert(1)" not in html and "<img src=x" not in html, where
        assert escape(name) in html, where
    feed = client.get(reverse("search:topic_feed", args=[topic.slug])).content.decode()
    assert "<script>" not in feed and "<img src=x" not in feed and "&lt;" in feed


def test_marker_characters_in_stored_text_never_become_marks(make_entry, make_issue):
    o, c = documents.MARK_OPEN, documents.MARK_CLOSE
    entry = make_entry(f"Wombat {o}fake{c} burrows <b>{o}", f"{o}<img src=x onerror=alert(1)>{c} wombat digging")
    make_issue(MARCH, [entry], blurb=f"{o}planted{c} wombat note")

    hits = search("wombat", scope="staff")

    assert {h.kind for h in hits} == {"pick", "entry"}
    for hit in hits:
        assert o not in hit.snippet and c not in hit.snippet
        rest = re.sub(r"<mark>wombats?</mark>", "", hit.snippet, flags=re.IGNORECASE)
        assert rest != hit.snippet, "the query's word is marked"
        assert "mark>" not in rest and "<" not in rest, "no other mark and no raw markup"
    for stored in Document.objects.all():
        assert not {o, c} & set(stored.title + stored.blurb + stored.body)


def issue_admin(issue) -> str:
    return reverse("admin:editions_issue_change", args=[issue.pk])


@pytest.fixture
def draft_issue(make_entry, make_issue):
    return make_issue(MARCH, [make_entry("Card one", "a"), make_entry("Card two", "b")], sent=False)


def card_post(client, issue, **per_pick):
    """The issue page as a browser posts it, with each pick's topic fields set by its title."""
    page = client.get(issue_admin(issue))
    data = change_form_data(page)
    prefix = inline_prefix(page, "pick")
    for form in next(i.formset for i in page.context["inline_admin_formsets"] if i.formset.model is Pick).forms:
        for field, value in per_pick.get(form.instance.title, {}).items():
            data[f"{form.prefix}-{field}"] = value
    assert prefix
    return client.post(issue_admin(issue), data)


def test_an_editor_sets_topics_on_a_pick_card(editor_client, draft_issue):
    robots = Topic.objects.create(name="Robots", slug="robots")
    one, two = Pick.objects.filter(issue=draft_issue).order_by("position")
    page = editor_client.get(issue_admin(draft_issue)).content.decode()
    assert page.count('class="pick-field field-topics"') == 3  # two cards and the blank one for new picks

    response = card_post(editor_client, draft_issue, **{"Card one": {"topics": [str(robots.pk)], "new_topic": "rl"}})

    assert response.status_code == 302
    assert sorted(one.topics.values_list("name", flat=True)) == ["Robots", "rl"]
    assert not two.topics.exists()
    card_post(editor_client, draft_issue, **{"Card two": {"new_topic": "ROBOTS"}})
    assert list(two.topics.all()) == [robots] and Topic.objects.count() == 2


def test_a_blank_new_topic_on_a_card_is_refused_and_nothing_is_saved(editor_client, draft_issue):
    one = Pick.objects.get(issue=draft_issue, title="Card one")
    response = card_post(editor_client, draft_issue, **{"Card one": {"new_topic": "   ", "title": "Renamed"}})
    assert response.status_code == 200
    assert "A topic name cannot be empty or only spaces." in response.content.decode()
    one.refresh_from_db()
    assert one.title == "Card one" and not one.topics.exists()


def test_a_sent_issue_keeps_its_pick_topics_and_contributors_get_no_field(
    editor_client, contributor_client, draft_issue, make_entry, make_issue
):
    sent = make_issue(datetime.date(2026, 2, 1), [make_entry("Sent card", "a")])
    robots = Topic.objects.create(name="Robots", slug="robots")
    pick = Pick.objects.get(issue=sent)
    assert "field-topics" not in editor_client.get(issue_admin(sent)).content.decode()  # read-only cards
    forged = {"pick_set-0-id": str(pick.pk), "pick_set-0-topics": str(robots.pk)}
    assert editor_client.post(issue_admin(sent), forged).status_code == 403
    assert not pick.topics.exists()

    response = contributor_client.get(issue_admin(draft_issue))
    assert response.status_code == 200 and "field-topics" not in response.content.decode()
    one = Pick.objects.get(issue=draft_issue, title="Card one")
    forged = {"pick_set-0-id": str(one.pk), "pick_set-0-topics": str(robots.pk), "pick_set-0-new_topic": "x"}
    assert contributor_client.post(issue_admin(draft_issue), forged).status_code == 403
    assert not one.topics.exists() and Topic.objects.count() == 1
