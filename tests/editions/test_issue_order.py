"""The issue page's order endpoint, its add and move redirects, and its one row of buttons."""

from __future__ import annotations

import datetime
import json

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse

from curator.editions import workflow
from curator.editions.models import Issue, Pick, Section
from tests.factories import add_pick, send
from tests.support.forms import change_form_data

pytestmark = pytest.mark.django_db


def order_url(issue: Issue) -> str:
    return reverse("admin:editions_issue_order", args=[issue.pk])


def change_url(issue: Issue) -> str:
    return reverse("admin:editions_issue_change", args=[issue.pk])


def post_order(client: Client, issue: Issue, body: object, **extra: str):
    return client.post(order_url(issue), json.dumps(body), content_type="application/json", **extra)


def order_of(issue: Issue) -> dict:
    """What the page sends: section ids in order, and each section's pick ids in order."""
    sections = list(issue.sections.order_by("position", "id"))
    return {
        "sections": [s.pk for s in sections],
        "picks": {
            str(s.pk): list(Pick.objects.filter(section=s).order_by("position", "id").values_list("pk", flat=True))
            for s in sections
        },
    }


def layout(issue: Issue) -> list[tuple[str, list[str]]]:
    return [
        (section.title, list(section.picks.order_by("position", "id").values_list("title", flat=True)))
        for section in issue.sections.order_by("position", "id")
    ]


@pytest.fixture
def picks(issue):
    """A and B in Feature, C in Research updates."""
    a = add_pick(issue, section_title="Feature", title="A", position=0)
    b = add_pick(issue, section_title="Feature", title="B", position=1)
    c = add_pick(issue, section_title="Research updates", title="C", position=0)
    return a, b, c


def test_it_reorders_picks_within_a_section(editor_client, issue, picks):
    a, b, _c = picks
    body = order_of(issue)
    feature = str(a.section_id)
    body["picks"][feature] = [b.pk, a.pk]
    response = post_order(editor_client, issue, body)
    assert response.status_code == 200
    assert response.json() == body
    assert layout(issue)[0] == ("Feature", ["B", "A"])


def test_it_moves_a_pick_into_another_section(editor_client, issue, picks):
    a, b, c = picks
    body = order_of(issue)
    body["picks"][str(a.section_id)] = [b.pk]
    body["picks"][str(c.section_id)] = [c.pk, a.pk]
    assert post_order(editor_client, issue, body).status_code == 200
    assert layout(issue)[:2] == [("Feature", ["B"]), ("Research updates", ["C", "A"])]
    a.refresh_from_db()
    assert (a.section_id, a.position) == (c.section_id, 1)


def test_it_reorders_sections_with_their_picks(editor_client, issue, picks):
    body = order_of(issue)
    body["sections"] = list(reversed(body["sections"]))
    assert post_order(editor_client, issue, body).status_code == 200
    assert [title for title, _ in layout(issue)] == [
        "Updates",
        "Livestreams",
        "Recommended reading",
        "Research updates",
        "Feature",
    ]
    assert layout(issue)[-1] == ("Feature", ["A", "B"])


def test_it_refuses_a_pick_of_another_issue(editor_client, issue, picks):
    a, b, _c = picks
    other = Issue.objects.create(title="Other", month=datetime.date(2027, 1, 1))
    stranger = add_pick(other, title="Stranger")
    before = layout(issue)
    body = order_of(issue)
    body["picks"][str(a.section_id)] = [b.pk, a.pk, stranger.pk]
    response = post_order(editor_client, issue, body)
    assert response.status_code == 409
    assert "reload" in response.json()["error"]
    assert layout(issue) == before
    stranger.refresh_from_db()
    assert (stranger.issue_id, stranger.section.issue_id) == (other.pk, other.pk)


def test_it_refuses_a_section_of_another_issue(editor_client, issue, picks):
    a, b, c = picks
    other = Issue.objects.create(title="Other", month=datetime.date(2027, 1, 1))
    foreign = other.sections.first()
    body = order_of(issue)
    body["sections"] = [*body["sections"][1:], foreign.pk]
    body["picks"] = {str(foreign.pk): [a.pk, b.pk, c.pk]}
    assert post_order(editor_client, issue, body).status_code == 409
    assert not Pick.objects.filter(section=foreign).exists()
    assert layout(issue)[0] == ("Feature", ["A", "B"])


def test_it_refuses_an_order_that_leaves_a_pick_out(editor_client, issue, picks):
    a, _b, _c = picks
    body = order_of(issue)
    body["picks"][str(a.section_id)] = [a.pk]  # B was added in another tab after this page loaded
    assert post_order(editor_client, issue, body).status_code == 409
    assert layout(issue)[0] == ("Feature", ["A", "B"])


@pytest.mark.parametrize(
    "body",
    [None, [], {"sections": "1,2"}, {"sections": [1], "picks": []}, {"sections": [True], "picks": {}}, "not json"],
)
def test_it_refuses_a_body_of_the_wrong_shape(editor_client, issue, picks, body):
    payload = body if body == "not json" else json.dumps(body)
    response = editor_client.post(order_url(issue), payload, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"]


@pytest.mark.parametrize("status", [Issue.Status.SENDING, Issue.Status.SENT])
def test_it_refuses_to_reorder_a_locked_issue(editor_client, issue, picks, status):
    a, b, _c = picks
    body = order_of(issue)
    body["picks"][str(a.section_id)] = [b.pk, a.pk]
    Issue.objects.filter(pk=issue.pk).update(status=status)
    response = post_order(editor_client, issue, body)
    assert response.status_code == 409
    assert status in response.json()["error"]
    assert layout(issue)[0] == ("Feature", ["A", "B"])


def test_it_refuses_staff_who_may_only_view_issues(client, django_user_model, issue, picks):
    viewer = django_user_model.objects.create_user("vic", "vic@example.org", "pw", is_staff=True)
    viewer.user_permissions.add(*Permission.objects.filter(codename__in=["view_issue", "view_pick", "view_section"]))
    client.force_login(viewer)
    a, b, _c = picks
    body = order_of(issue)
    body["picks"][str(a.section_id)] = [b.pk, a.pk]
    assert post_order(client, issue, body).status_code == 403
    assert layout(issue)[0] == ("Feature", ["A", "B"])
    page = client.get(change_url(issue)).content.decode()
    assert "data-order-url" not in page and "pick-up" not in page and 'draggable="true"' not in page


def test_it_lets_editors_and_publishers_reorder(client, editor, publisher, issue, picks):
    a, b, _c = picks
    for user, first in ((editor, b), (publisher, a)):
        client.force_login(user)
        body = order_of(issue)
        body["picks"][str(a.section_id)] = [first.pk, ({a.pk, b.pk} - {first.pk}).pop()]
        assert post_order(client, issue, body).status_code == 200
        assert layout(issue)[0][1][0] == first.title


def test_it_answers_a_get_with_405(editor_client, issue, picks):
    assert editor_client.get(order_url(issue)).status_code == 405


def test_it_needs_the_csrf_token(editor, issue, picks):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(editor)
    a, b, _c = picks
    body = order_of(issue)
    body["picks"][str(a.section_id)] = [b.pk, a.pk]
    assert post_order(browser, issue, body).status_code == 403
    assert layout(issue)[0] == ("Feature", ["A", "B"])

    page = browser.get(change_url(issue)).content.decode()
    token = page.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
    assert post_order(browser, issue, body, HTTP_X_CSRFTOKEN=token).status_code == 200
    assert layout(issue)[0] == ("Feature", ["B", "A"])


def test_it_marks_up_sections_and_picks_for_the_ordering_script(editor_client, issue, picks):
    a, b, c = picks
    page = editor_client.get(change_url(issue)).content.decode()
    assert f'data-order-url="{order_url(issue)}"' in page
    assert 'src="/static/editions/issue_order.js"' in page
    for pick in (a, b, c):
        assert f'data-pick-id="{pick.pk}" draggable="true"' in page
        assert f'name="_move" value="pick:{pick.pk}:up"' in page and f'id="pick-{pick.pk}"' in page
    feature = page.index(f'data-section-id="{a.section_id}"')
    research = page.index(f'data-section-id="{c.section_id}"')
    assert feature < page.index(f'data-pick-id="{a.pk}"') < page.index(f'data-pick-id="{b.pk}"') < research
    assert research < page.index(f'data-pick-id="{c.pk}"')
    assert page.count('id="order-status"') == 1


def test_it_returns_to_the_moved_pick_without_javascript(editor_client, issue, picks):
    a, _b, _c = picks
    page = editor_client.get(change_url(issue))
    response = editor_client.post(change_url(issue), {**change_form_data(page), "_move": f"pick:{a.pk}:down"})
    assert response.status_code == 302
    assert response["Location"] == f"{change_url(issue)}#pick-{a.pk}"
    assert layout(issue)[0] == ("Feature", ["B", "A"])


def test_it_keeps_a_moved_pick_in_place_when_the_form_is_saved(editor_client, issue, picks):
    """After a move the page's section fields say the new section; saving must not move it again."""
    a, b, c = picks
    page = editor_client.get(change_url(issue))
    data = change_form_data(page)
    body = order_of(issue)
    body["picks"][str(a.section_id)] = [b.pk]
    body["picks"][str(c.section_id)] = [a.pk, c.pk]
    post_order(editor_client, issue, body)
    index = next(i for i in range(3) if data[f"picks-{i}-id"] == a.pk)
    data[f"picks-{index}-section"] = c.section_id  # what issue_order.js does to the field
    data[f"picks-{index}-blurb"] = "Edited after the move."
    data["_continue"] = "Save"
    assert editor_client.post(change_url(issue), data).status_code == 302
    assert layout(issue)[:2] == [("Feature", ["B"]), ("Research updates", ["A", "C"])]
    assert Pick.objects.get(pk=a.pk).blurb == "Edited after the move."


def test_it_opens_a_new_issue_after_save_with_a_message(editor_client):
    response = editor_client.post(
        reverse("admin:editions_issue_add"),
        {"title": "Recommended reading", "month": "2026-12", "_save": "Save"},
        follow=True,
    )
    issue = Issue.objects.get()
    assert response.redirect_chain == [(change_url(issue), 302)]
    (message,) = [str(m) for m in response.context["messages"]]
    assert message.startswith(f"“{issue}” was added with the sections Feature, Research updates")
    assert "Triage desk (key a)" in message and "Add selected entries to issue…" in message


def test_it_still_offers_a_blank_form_after_save_and_add_another(editor_client):
    response = editor_client.post(
        reverse("admin:editions_issue_add"), {"title": "Recommended reading", "month": "2026-12", "_addanother": "1"}
    )
    assert response["Location"] == reverse("admin:editions_issue_add")


TOOLS = ("preview-email", "send-test", "mark-ready", "back-to-draft", "schedule-issue", "send-issue", "issue-clicks")


def tools(client: Client, issue: Issue) -> list[str]:
    """The issue page's buttons, in the order they appear."""
    page = client.get(change_url(issue)).content.decode()
    found = [(page.index(f'id="{tool}"'), tool) for tool in TOOLS if f'id="{tool}"' in page]
    for _, tool in found:
        assert page.count(f'id="{tool}"') == 1, tool
    for label in ("Preview email", "Send test to me", "Schedule send…", "Send to subscribers…"):
        assert page.count(label) <= 1, label
    assert "Preview and send a test to me" not in page
    return [tool for _, tool in sorted(found)]


def test_it_shows_an_editor_one_row_of_buttons_in_workflow_order(editor_client, issue, picks):
    assert tools(editor_client, issue) == ["preview-email", "send-test", "mark-ready"]
    workflow.transition(issue, Issue.Status.READY)
    assert tools(editor_client, issue) == ["preview-email", "send-test", "back-to-draft"]


def test_it_adds_schedule_and_send_for_a_publisher(client, publisher, issue, picks):
    client.force_login(publisher)
    assert tools(client, issue) == ["preview-email", "send-test", "mark-ready"]
    workflow.transition(issue, Issue.Status.READY)
    assert tools(client, issue) == ["preview-email", "send-test", "back-to-draft", "schedule-issue", "send-issue"]


def test_it_offers_the_click_report_once_sent(client, publisher, issue, picks):
    client.force_login(publisher)
    send(issue)
    assert tools(client, issue) == ["preview-email", "send-test", "issue-clicks"]


def test_it_sends_the_test_from_the_issue_page_and_comes_back(editor_client, issue, picks, mailoutbox):
    response = editor_client.post(
        reverse("admin:editions_issue_send_test", args=[issue.pk]), {"return_to": "change"}, follow=True
    )
    assert response.redirect_chain == [(change_url(issue), 302)]
    assert [m.to for m in mailoutbox] == [["edna@example.org"]]
    assert Section.objects.filter(issue=issue).count() == 5


def test_it_shows_a_field_error_on_its_pick_card(editor_client, issue, picks):
    a, b, _c = picks
    page = editor_client.get(change_url(issue))
    data = change_form_data(page)
    index = next(i for i in range(3) if data[f"picks-{i}-id"] == a.pk)
    data[f"picks-{index}-url"] = "not a link at all"
    data["_continue"] = "Save"
    response = editor_client.post(change_url(issue), data)
    assert response.status_code == 200
    html = response.content.decode()
    card = html[html.index(f'data-pick-id="{a.pk}"') : html.index(f'data-pick-id="{b.pk}"')]
    assert 'class="errorlist' in card and 'value="not a link at all"' in card


def test_it_keeps_the_list_filters_when_a_new_issue_opens(editor_client):
    filters = "_changelist_filters=status%3Ddraft"
    response = editor_client.post(
        f"{reverse('admin:editions_issue_add')}?{filters}", {"title": "Recommended reading", "month": "2026-12"}
    )
    assert response["Location"] == f"{change_url(Issue.objects.get())}?{filters}"
