"""Ids from requests are parsed strictly: non-ASCII digits ('²' passes str.isdigit, fails int) and junk
answer 400/404 on every staff endpoint that reads one, never 500."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from curator.editions.models import Pick
from curator.ids import MAX_ID, ascii_digits, parse_id
from tests.factories import add_pick
from tests.support.forms import change_form_data

pytestmark = pytest.mark.django_db

JUNK = ["²", "١٢", "+3", " 3", "3_0", "-1", "0", "abc", "99999999999999999999"]


@pytest.fixture(autouse=True)
def _errors_raise(client) -> None:
    client.raise_request_exception = False  # a 500 is an answer to assert on, not an exception in the test


def test_parse_id_takes_ascii_digits_only() -> None:
    assert [parse_id(v) for v in ("1", "042", 7, str(MAX_ID))] == [1, 42, 7, MAX_ID]
    assert [parse_id(v) for v in [*JUNK, "", None, True, 3.0, MAX_ID + 1, [1]]] == [None] * 15
    assert ascii_digits("120") == 120 and ascii_digits("²") is None and ascii_digits("1 2") is None


def test_the_desk_answers_404_for_a_junk_entry(editor_client, make_entry) -> None:
    make_entry()
    for value in JUNK:
        assert editor_client.get(reverse("admin:feeds_entry_desk"), {"entry": value}).status_code == 404, value


def test_undo_answers_400_for_a_junk_pick(editor_client, make_entry) -> None:
    entry = make_entry()
    url = reverse("admin:feeds_entry_desk_undo", args=[entry.pk])
    for value in JUNK:
        response = editor_client.post(url, {"action": "add", "previous": "new", "pick": value})
        assert response.status_code == 400 and not response.json()["ok"], value


def test_the_order_endpoint_answers_400_for_a_junk_section_key(editor_client, issue) -> None:
    pick = add_pick(issue, section_title="Feature", title="A")
    url = reverse("admin:editions_issue_order", args=[issue.pk])
    sections = list(issue.sections.values_list("pk", flat=True))
    for key in ["²", "\u0661", "+1"]:
        body = {"sections": sections, "picks": {key: [pick.pk]}}
        response = editor_client.post(url, json.dumps(body), content_type="application/json")
        assert response.status_code == 400, key
    huge = {"sections": sections, "picks": {str(pick.section_id): [2**70]}}
    assert editor_client.post(url, json.dumps(huge), content_type="application/json").status_code == 400


def test_the_issue_page_buttons_answer_without_500_for_junk_ids(editor_client, issue) -> None:
    pick = add_pick(issue, section_title="Feature", title="A")
    change = reverse("admin:editions_issue_change", args=[issue.pk])
    data = change_form_data(editor_client.get(change))
    for value in ("²", "\u0661"):
        for button in ({"_move": f"pick:{value}:up"}, {"_use_draft": f"{value}:{value}"}):
            response = editor_client.post(change, {**data, **button})
            assert response.status_code in (302, 400, 404), (button, response.status_code)
    assert Pick.objects.get(pk=pick.pk).position == pick.position


def test_the_issue_pages_answer_404_for_a_junk_issue_id(editor_client, issue) -> None:
    for value in ("²", "abc"):
        assert editor_client.get(f"/admin/editions/issue/{value}/change/").status_code in (302, 404)
        assert editor_client.post(f"/admin/editions/issue/{value}/status/", {"target": "ready"}).status_code == 404


def test_the_playground_answers_for_a_junk_profile_or_entry(admin_client) -> None:
    url = reverse("admin:summarizer_decodingprofile_playground")
    admin_client.raise_request_exception = False
    for query in ({"profile": "abc"}, {"profile": "²"}, {"entry": "²"}, {"profile": "99999999999999999999"}):
        assert admin_client.get(url, query).status_code == 200, query
