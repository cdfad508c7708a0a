"""Issue admin: preview, test send, send (publishers only), progress, pause and resume."""

import html as htmllib

import pytest
from django.core import mail
from django.urls import reverse

from curator.editions.models import Issue
from curator.mailing import control, send
from curator.mailing.models import Delivery
from tests.factories import make_subscribers

pytestmark = pytest.mark.django_db


def url(name: str, issue: Issue) -> str:
    return reverse(f"admin:editions_issue_{name}", args=[issue.pk])


def test_it_previews_the_exact_email_in_a_sandboxed_iframe(client, send_permissions, issue):
    editor, _ = send_permissions
    client.force_login(editor)
    response = client.get(url("preview", issue))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'sandbox=""' in page and "srcdoc=" in page
    assert "Recommended Reading — March 2026" in page
    srcdoc = htmllib.unescape(page.split('srcdoc="', 1)[1].split('"', 1)[0])
    assert "Sparse attention, revisited" in srcdoc and "Hi Edna Editor," in srcdoc
    assert "<script" not in srcdoc
    assert "== Recommended reading ==" in page  # the plain-text part is shown too


def test_it_sends_a_test_to_the_logged_in_staff_member(client, send_permissions, issue):
    editor, _ = send_permissions
    client.force_login(editor)
    make_subscribers(3)
    response = client.post(url("send_test", issue))
    assert response.status_code == 302
    (message,) = mail.outbox
    assert message.to == ["edna@example.org"]
    assert message.subject == "[Test] Recommended Reading — March 2026"
    assert not Delivery.objects.exists()
    issue.refresh_from_db()
    assert issue.status == Issue.Status.READY


def test_it_forbids_editors_to_send(client, send_permissions, issue):
    editor, _ = send_permissions
    make_subscribers(3)
    client.force_login(editor)
    assert client.get(url("send", issue)).status_code == 403
    assert client.post(url("send", issue)).status_code == 403
    assert not Delivery.objects.exists() and mail.outbox == []
    assert b'id="send-issue"' not in client.get(url("change", issue)).content


def test_it_lets_publishers_send(client, send_permissions, issue, django_capture_on_commit_callbacks):
    _, publisher = send_permissions
    readers = make_subscribers(3)
    client.force_login(publisher)
    change_page = client.get(url("change", issue))
    assert b'id="send-issue"' in change_page.content and b'id="mailing-panel"' in change_page.content
    confirm = client.get(url("send", issue))
    assert confirm.status_code == 200 and b"3</strong> active subscribers" in confirm.content
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("send", issue))
    assert response.status_code == 302
    assert sorted(m.to[0] for m in mail.outbox) == sorted(r.email for r in readers)
    issue.refresh_from_db()
    assert issue.status == Issue.Status.SENT


def test_it_reports_progress_as_json(client, send_permissions, issue):
    editor, _ = send_permissions
    make_subscribers(4)
    control.send_issue(issue)
    send.send_batch(issue.pk, batch_size=1)
    client.force_login(editor)
    data = client.get(url("progress", issue)).json()
    assert {k: data[k] for k in ("total", "sent", "failed", "pending", "status")} == {
        "total": 4,
        "sent": 1,
        "failed": 0,
        "pending": 3,
        "status": "sending",
    }
    page = client.get(url("change", issue)).content.decode()
    assert 'data-field="pending">3<' in page and 'http-equiv="refresh"' in page


def test_it_says_not_sent_yet_instead_of_zero_counts_before_the_send(client, send_permissions, issue):
    editor, _ = send_permissions
    make_subscribers(2)
    client.force_login(editor)
    page = client.get(url("change", issue)).content.decode()
    assert '<p id="mailing-progress">Not sent yet.</p>' in page
    assert 'data-field="total"' not in page


def test_it_allows_only_publishers_to_pause_and_resume(client, send_permissions, issue):
    editor, publisher = send_permissions
    make_subscribers(2)
    control.send_issue(issue)
    client.force_login(editor)
    assert client.post(url("pause", issue)).status_code == 403
    issue.refresh_from_db()
    assert not issue.paused
    client.force_login(publisher)
    assert client.post(url("pause", issue)).status_code == 302
    issue.refresh_from_db()
    assert issue.paused
    assert client.post(url("resume", issue)).status_code == 302
    issue.refresh_from_db()
    assert not issue.paused


def test_it_keeps_admin_actions_post_only(client, send_permissions, issue):
    _, publisher = send_permissions
    client.force_login(publisher)
    for name in ("send_test", "pause", "resume"):
        assert client.get(url(name, issue)).status_code == 405
