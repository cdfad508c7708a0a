"""The triage desk: its queue, its decisions over JSON, who may make them, and what it renders."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from curator.editions import desk
from curator.editions.models import Issue, Pick, WorkflowError
from curator.feeds.models import Entry, Source
from curator.outbox.models import OutboxMessage
from curator.ranking.models import Relevance, Story, StoryMembership
from tests.factories import send

pytestmark = pytest.mark.django_db

HOSTILE = "<script>alert(1)</script><img src=x onerror=alert(1)>"


@pytest.fixture
def viewer(django_user_model):
    """Staff who may look at entries but not change them."""
    user = django_user_model.objects.create_user("vera", "vera@example.org", "vera-password", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_entry"))
    return user


def decide_url(entry: Entry) -> str:
    return reverse("admin:feeds_entry_desk_decide", args=[entry.pk])


def undo_url(entry: Entry) -> str:
    return reverse("admin:feeds_entry_desk_undo", args=[entry.pk])


def triage_of(entry: Entry) -> str:
    entry.refresh_from_db()
    return entry.triage


def test_it_orders_the_queue_by_relevance_then_newest(make_entry):
    now = timezone.now()
    old_unranked = make_entry("old unranked", published_at=now - datetime.timedelta(days=2))
    new_unranked = make_entry("new unranked", published_at=now - datetime.timedelta(hours=1))
    low = make_entry("low score", published_at=now - datetime.timedelta(days=3))
    high = make_entry("high score", published_at=now - datetime.timedelta(days=4))
    Relevance.objects.create(entry=low, score=0.2, margin=0.1)
    Relevance.objects.create(entry=high, score=0.9, margin=0.4)
    make_entry("decided", triage=Entry.Triage.SHORTLISTED)

    assert [e.title for e in desk.queue_items()] == [high.title, low.title, new_unranked.title, old_unranked.title]


def test_it_keeps_this_week_unless_asked_for_all_untriaged(make_entry):
    long_ago = timezone.now() - datetime.timedelta(days=30)
    fresh = make_entry("fresh")
    backlog = make_entry("old paper fetched today", published_at=long_ago)
    stale = make_entry("stale", published_at=long_ago, created_at=long_ago)

    assert {e.pk for e in desk.queue_items(desk.WEEK)} == {fresh.pk, backlog.pk}
    assert {e.pk for e in desk.queue_items(desk.ALL)} == {fresh.pk, backlog.pk, stale.pk}
    assert desk.remaining(desk.WEEK) == 2 and desk.remaining(desk.ALL) == 3


def test_it_shows_an_editor_the_desk_with_decision_keys(client, editor, make_entry, issue):
    entry = make_entry("A paper on routing")
    client.force_login(editor)
    page = client.get(reverse("admin:feeds_entry_desk")).content.decode()
    assert 'id="desk"' in page and f'data-entry-id="{entry.pk}"' in page
    assert '<strong id="desk-remaining">1</strong>' in page
    assert 'data-desk-key="s"' in page and 'data-desk-key="a"' in page
    assert 'data-can-decide="true"' in page
    assert "editions/desk.js" in page and "<script>" not in page


def test_it_is_linked_from_the_entry_list(client, editor):
    client.force_login(editor)
    page = client.get(reverse("admin:feeds_entry_changelist")).content.decode()
    assert f'href="{reverse("admin:feeds_entry_desk")}" class="desk-link"' in page


def test_it_shows_a_read_only_user_the_desk_without_decision_keys(client, viewer, make_entry):
    make_entry("Something to read")
    client.force_login(viewer)
    page = client.get(reverse("admin:feeds_entry_desk")).content.decode()
    assert "Something to read" in page
    assert 'data-can-decide="false"' in page
    assert 'data-desk-key="s"' not in page and 'data-desk-key="x"' not in page


def test_it_sends_anonymous_visitors_to_the_login(client, make_entry):
    response = client.get(reverse("admin:feeds_entry_desk"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    entry = make_entry()
    assert client.post(decide_url(entry), {"action": "reject", "seen": "new"}).status_code == 302
    assert triage_of(entry) == Entry.Triage.NEW


def test_it_shortlists_rejects_and_undoes_without_reloading(client, editor, make_entry):
    first, second = make_entry("first"), make_entry("second")
    client.force_login(editor)

    answer = client.post(decide_url(first), {"action": "shortlist", "seen": "new"}).json()
    assert answer["ok"] and answer["triage"] == "shortlisted" and answer["remaining"] == 1
    assert answer["undo"] == {"action": "shortlist", "previous": "new"}
    assert triage_of(first) == Entry.Triage.SHORTLISTED

    answer = client.post(decide_url(second), {"action": "reject", "seen": "new"}).json()
    assert answer["triage"] == "rejected" and answer["remaining"] == 0
    assert triage_of(second) == Entry.Triage.REJECTED

    answer = client.post(undo_url(second), {"action": "reject", "previous": "new"}).json()
    assert answer["ok"] and answer["triage"] == "new" and answer["remaining"] == 1
    assert triage_of(second) == Entry.Triage.NEW


def test_it_adds_to_the_newest_editable_issue_in_the_section_for_the_kind(client, editor, make_entry, issue):
    send(Issue.objects.create(title="Last month", month=datetime.date(2026, 10, 1)))
    older_draft = Issue.objects.create(title="Older draft", month=datetime.date(2026, 9, 1))
    issue.sections.filter(title="Research updates").update(title="Papers")
    paper = make_entry("A paper", kind=Entry.Kind.PAPER)
    client.force_login(editor)

    answer = client.post(decide_url(paper), {"action": "add", "seen": "new"}).json()
    assert answer["ok"] and answer["triage"] == "picked", answer
    pick = Pick.objects.get(entry=paper)
    assert (pick.issue, pick.section.title) == (issue, "Papers")
    assert not older_draft.picks.exists()
    assert answer["undo"] == {"action": "add", "previous": "new", "pick": pick.pk}

    answer = client.post(undo_url(paper), {"action": "add", "previous": "new", "pick": pick.pk}).json()
    assert answer["ok"] and answer["triage"] == "new"
    assert not Pick.objects.filter(entry=paper).exists()
    assert triage_of(paper) == Entry.Triage.NEW


def test_it_adds_to_the_first_section_when_none_is_named_for_the_kind(make_entry, issue, editor):
    post = make_entry("A blog post", kind=Entry.Kind.POST)
    desk.decide(post.pk, "add", "new", editor)
    assert Pick.objects.get(entry=post).section == issue.sections.order_by("position", "id").first()


def test_it_prefers_the_section_its_source_usually_goes_to(make_entry, issue, editor):
    issue.sections.filter(title="Research updates").update(title="Papers")
    paper = make_entry("A paper from a livestream source", kind=Entry.Kind.PAPER)
    Source.objects.filter(pk=paper.source_id).update(section_hint=" livestreams ")
    desk.decide(paper.pk, "add", "new", editor)
    assert Pick.objects.get(entry=paper).section.title == "Livestreams"


def test_it_shows_which_past_picks_an_entry_is_like(client, editor, make_entry):
    entry = make_entry("Ranked entry")
    Relevance.objects.create(entry=entry, score=0.8, margin=0.3, like=[[1, "Earlier <b>pick</b>"]])
    client.force_login(editor)
    body = client.get(reverse("admin:feeds_entry_desk_entry", args=[entry.pk])).content.decode()
    assert "Like past picks: “Earlier &lt;b&gt;pick&lt;/b&gt;”" in body


def test_it_says_so_when_there_is_no_issue_to_add_to(client, editor, make_entry):
    entry = make_entry()
    client.force_login(editor)
    response = client.post(decide_url(entry), {"action": "add", "seen": "new"})
    assert response.status_code == 400
    assert "no issue being edited" in response.json()["message"]
    assert triage_of(entry) == Entry.Triage.NEW


def test_it_queues_a_redraft_through_the_outbox(client, editor, make_entry, django_capture_on_commit_callbacks):
    entry = make_entry("Needs a better blurb")
    client.force_login(editor)
    with django_capture_on_commit_callbacks(execute=False):
        answer = client.post(decide_url(entry), {"action": "redraft", "seen": "new"}).json()
    assert answer["ok"] and answer["triage"] == "new" and answer["undo"] is None
    assert "again with profile" in answer["message"]
    message = OutboxMessage.objects.get(task="summarizer.tasks.draft_blurb")
    assert message.args[0] == entry.pk and message.args[-1] is True  # force: a new draft even if one exists


def test_it_refuses_decisions_to_read_only_users(client, viewer, make_entry):
    entry = make_entry()
    client.force_login(viewer)
    for url, data in ((decide_url(entry), {"action": "reject", "seen": "new"}), (undo_url(entry), {})):
        assert client.post(url, data).status_code == 403
    assert triage_of(entry) == Entry.Triage.NEW


def test_it_answers_404_for_forged_ids_and_refuses_an_undo_of_another_entrys_pick(client, editor, make_entry, issue):
    entry, other = make_entry(), make_entry()
    client.force_login(editor)
    forged = reverse("admin:feeds_entry_desk_decide", args=[987654])
    assert client.post(forged, {"action": "reject", "seen": "new"}).status_code == 404
    assert client.get(reverse("admin:feeds_entry_desk_entry", args=[987654])).status_code == 404
    desk.decide(other.pk, "add", "new", editor)
    foreign_pick = Pick.objects.get(entry=other)
    response = client.post(undo_url(entry), {"action": "add", "previous": "new", "pick": foreign_pick.pk})
    assert response.status_code == 409
    assert Pick.objects.filter(pk=foreign_pick.pk).exists()


def test_it_takes_decisions_by_post_only(client, editor, make_entry):
    entry = make_entry()
    client.force_login(editor)
    assert client.get(decide_url(entry), {"action": "reject", "seen": "new"}).status_code == 405
    assert client.get(undo_url(entry)).status_code == 405
    assert triage_of(entry) == Entry.Triage.NEW


def test_it_needs_the_csrf_token(editor, make_entry):
    entry = make_entry()
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(editor)
    assert browser.post(decide_url(entry), {"action": "reject", "seen": "new"}).status_code == 403
    assert triage_of(entry) == Entry.Triage.NEW
    page = browser.get(reverse("admin:feeds_entry_desk")).content.decode()
    token = page.split('data-csrf-token="', 1)[1].split('"', 1)[0]
    response = browser.post(decide_url(entry), {"action": "reject", "seen": "new"}, HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 200
    assert triage_of(entry) == Entry.Triage.REJECTED


def test_it_reports_an_entry_someone_else_decided_meanwhile(client, editor, make_entry):
    entry = make_entry("Contested")
    Entry.objects.filter(pk=entry.pk).update(triage=Entry.Triage.REJECTED)  # another editor, a moment ago
    client.force_login(editor)

    response = client.post(decide_url(entry), {"action": "shortlist", "seen": "new"})
    assert response.status_code == 409
    answer = response.json()
    assert answer["conflict"] and answer["triage"] == "rejected"
    assert "changed by someone else" in answer["message"] and "rejected" in answer["message"]
    assert triage_of(entry) == Entry.Triage.REJECTED

    Entry.objects.filter(pk=entry.pk).update(triage=Entry.Triage.SHORTLISTED)
    response = client.post(undo_url(entry), {"action": "reject", "previous": "new"})
    assert response.status_code == 409
    assert triage_of(entry) == Entry.Triage.SHORTLISTED


def test_it_escapes_hostile_markup_in_title_abstract_and_authors(client, editor, make_entry, make_draft):
    entry = make_entry(
        HOSTILE, abstract=HOSTILE, authors=[HOSTILE, {"name": "Ada " + HOSTILE}], url=f"javascript:{HOSTILE}"
    )
    make_draft(entry, HOSTILE)
    client.force_login(editor)
    for url in (reverse("admin:feeds_entry_desk"), reverse("admin:feeds_entry_desk_entry", args=[entry.pk])):
        page = client.get(url).content.decode()
        assert HOSTILE not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
        assert "javascript:" not in page
    assert "<li>Ada &lt;script&gt;" in page  # authors as a list of names, not JSON


def test_it_shows_the_story_the_best_draft_and_a_featured_warning(client, editor, make_entry, make_draft, issue):
    entry, sibling = make_entry("The paper"), make_entry("A post about the paper")
    story = Story.objects.create()
    for member in (entry, sibling):
        StoryMembership.objects.create(entry=member, story=story, reason=StoryMembership.Reason.CITES)
    make_draft(entry, "Model draft of the paper.")
    desk.decide(entry.pk, "add", "new", editor)
    send(issue)
    client.force_login(editor)
    page = client.get(reverse("admin:feeds_entry_desk_entry", args=[entry.pk])).content.decode()
    assert "Same story (2 entries)" in page and "A post about the paper" in page
    assert "Model draft of the paper." in page
    assert "Featured before in “Recommended reading”" in page


def desk_queries(client: Client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("admin:feeds_entry_desk"), {"scope": "all"}).status_code == 200
    return len(queries)


def test_it_renders_the_desk_in_a_constant_number_of_queries(client, editor, make_entry, make_draft, issue):
    def grow(n: int) -> None:
        for i in range(n):
            entry = make_entry(authors=["Ada", "Grace"])
            make_draft(entry, f"Draft {i}.")
            Relevance.objects.create(entry=entry, score=i / (n + 1), margin=0.1)

    client.force_login(editor)
    grow(3)
    small = desk_queries(client)
    grow(30)
    assert desk_queries(client) == small


def test_it_refuses_to_undo_an_add_once_the_issue_went_out(client, editor, make_entry, issue):
    entry = make_entry("Sent already")
    outcome = desk.decide(entry.pk, "add", "new", editor)
    send(issue)
    client.force_login(editor)
    response = client.post(undo_url(entry), {"action": "add", "previous": "new", "pick": outcome.undo["pick"]})
    assert response.status_code == 400
    assert "can no longer change" in response.json()["message"]
    assert Pick.objects.filter(entry=entry, issue=issue).exists()
    assert triage_of(entry) == Entry.Triage.PICKED


def test_it_refuses_to_shortlist_or_reject_a_picked_entry(make_entry, issue, editor):
    entry = make_entry()
    desk.decide(entry.pk, "add", "new", editor)
    with pytest.raises(WorkflowError, match="remove it there first"):
        desk.decide(entry.pk, "reject", "picked", editor)
    assert triage_of(entry) == Entry.Triage.PICKED


def test_an_undone_decision_brings_back_the_relevance_and_the_like_line_at_once(client, editor, make_entry):
    import numpy as np

    from curator.ranking import scoring, vectors
    from curator.ranking.models import Embedding

    def embed(entry: Entry, direction: list[float]) -> None:
        vector = vectors.normalize(np.array([direction + [0.0] * (384 - len(direction))], dtype=np.float32))[0]
        Embedding.objects.create(entry=entry, vector=vectors.to_bytes(vector), model_id="test", text_hash="h")

    picked = make_entry("A past pick on routing", triage=Entry.Triage.PICKED)
    entry = make_entry("Routing, again")
    embed(picked, [1.0, 0.1])
    embed(entry, [1.0, 0.2])
    scoring.rescore()
    assert Relevance.objects.get(entry=entry).like == [[picked.pk, "A past pick on routing"]]
    client.force_login(editor)

    client.post(decide_url(entry), {"action": "reject", "seen": "new"})
    scoring.rescore()  # the refit after the decision drops the score of a decided entry
    assert not Relevance.objects.filter(entry=entry).exists()
    answer = client.post(undo_url(entry), {"action": "reject", "previous": "new"}).json()

    assert answer["ok"] and answer["triage"] == "new"
    restored = Relevance.objects.get(entry=entry)
    assert restored.score > 0.9 and restored.like == [[picked.pk, "A past pick on routing"]]
    panel = client.get(reverse("admin:feeds_entry_desk_entry", args=[entry.pk])).content.decode()
    assert "relevance 0.99" in panel or "relevance 1.00" in panel
    assert "Like past picks: “A past pick on routing”" in panel


def test_its_add_key_takes_the_faithful_draft_not_a_newer_demoted_one(client, editor, make_entry, make_draft, issue):
    entry = make_entry("A paper", kind=Entry.Kind.PAPER)
    make_draft(entry, "A faithful older model draft.")
    make_draft(entry, "The work of a machine-learning researcher is designed to...", demoted_reason="echoes")
    client.force_login(editor)
    desk_page = client.get(reverse("admin:feeds_entry_desk")).content.decode()
    assert "A faithful older model draft." in desk_page and "machine-learning researcher" not in desk_page
    assert client.post(decide_url(entry), {"action": "add", "seen": "new"}).json()["ok"]
    assert Pick.objects.get(entry=entry).blurb == "A faithful older model draft."
