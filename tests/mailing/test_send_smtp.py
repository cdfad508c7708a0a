"""A whole send through a real SMTP server: structure, headers, exactly one message each."""

import pytest

from curator.editions.models import Issue
from curator.mailing import control, send
from curator.mailing.clicks import click_url
from curator.mailing.models import Delivery, Subscriber
from curator.mailing.subscriptions import unsubscribe_url
from tests.factories import make_subscribers

pytestmark = pytest.mark.django_db


def test_it_sends_one_multipart_message_to_each_active_subscriber(issue, smtp_server, settings):
    settings.MAILING_BATCH_SIZE = 4
    readers = make_subscribers(10)
    make_subscribers(2, status=Subscriber.Status.PENDING, prefix="pending")
    make_subscribers(2, status=Subscriber.Status.UNSUBSCRIBED, prefix="gone")

    assert control.send_issue(issue) == 10
    outcome = send.run_sending(issue.pk)

    assert outcome.finished and outcome.sent == 10
    assert smtp_server.handler.per_recipient() == {r.email: 1 for r in readers}
    issue.refresh_from_db()
    assert issue.status == Issue.Status.SENT and issue.sent_at is not None
    assert set(Delivery.objects.filter(issue=issue).values_list("status", flat=True)) == {"sent"}
    # batches of 4 over one connection each: 3 connections for 10 messages
    assert smtp_server.handler.connections == 3


def test_it_builds_multipart_alternative_with_one_click_unsubscribe(issue, smtp_server):
    reader = Subscriber.objects.create(email="mia@example.com", name="Mia", status="active")
    control.send_issue(issue)
    send.run_sending(issue.pk)

    (message,) = smtp_server.handler.messages_to("mia@example.com")
    assert message.get_content_type() == "multipart/alternative"
    text_part, html_part = message.get_payload()
    assert text_part.get_content_type() == "text/plain"
    assert html_part.get_content_type() == "text/html"
    url = unsubscribe_url(reader)
    assert url.startswith("https://news.example.org/unsubscribe/")
    assert message["List-Unsubscribe"].strip() == f"<{url}>"  # long header: folded before the "<"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message["Message-ID"] == f"<issue-{issue.pk}.sub-{reader.pk}@news.example.org>"
    assert message["Subject"] == "Recommended Reading — March 2026"
    assert message["To"] == "mia@example.com"
    text = text_part.get_content()
    calibration = issue.picks.get(url="https://research.example.com/calibration")
    assert "Hi Mia," in text and url in text and click_url(calibration.pk) in text
    html = html_part.get_content()
    assert f'href="{url}"' in html
    assert f'href="{click_url(issue.picks.get(title__startswith="Pruning").pk)}"' in html
    assert 'href="https://code.example.net/prune"' in html
    delivery = Delivery.objects.get(issue=issue, subscriber=reader)
    assert delivery.message_id == message["Message-ID"] and delivery.sent_at is not None


def test_it_sends_nobody_a_second_copy_when_triggered_twice(issue, smtp_server):
    readers = make_subscribers(5)
    assert control.send_issue(issue) == 5
    assert control.send_issue(issue) == 5
    send.run_sending(issue.pk)
    Subscriber.objects.create(email="late@example.com", status="active")
    assert control.send_issue(issue) == 5  # sent issue: the audience stays what it was
    send.run_sending(issue.pk)
    assert Delivery.objects.filter(issue=issue).count() == 5
    assert smtp_server.handler.per_recipient() == {r.email: 1 for r in readers}


def test_it_skips_people_who_unsubscribed_after_the_send_started(issue, smtp_server):
    stays, leaves = make_subscribers(2)
    control.send_issue(issue)
    Subscriber.objects.filter(pk=leaves.pk).update(status=Subscriber.Status.UNSUBSCRIBED)
    send.run_sending(issue.pk)
    assert smtp_server.handler.per_recipient() == {stays.email: 1}
    assert Delivery.objects.get(subscriber=leaves).status == Delivery.Status.SKIPPED
    issue.refresh_from_db()
    assert issue.status == Issue.Status.SENT


def test_it_refuses_to_send_a_draft(smtp_server):
    from tests.factories import make_issue

    draft = make_issue(status=Issue.Status.DRAFT)
    make_subscribers(2)
    with pytest.raises(control.SendError):
        control.send_issue(draft)
    assert not Delivery.objects.filter(issue=draft).exists()
    assert smtp_server.handler.received == []
