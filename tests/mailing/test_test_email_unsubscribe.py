"""The test email's unsubscribe link is a marked sample: it never names a subscriber."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import reverse

from curator.mailing.models import Subscriber
from curator.mailing.subscriptions import unsubscribe_url
from curator.mailing.testsend import preview_subscriber, send_test_message
from tests.factories import make_subscribers

pytestmark = pytest.mark.django_db


def test_it_sends_the_test_email_with_the_sample_unsubscribe_link(send_permissions, issue, smtp_server):
    editor, _ = send_permissions
    make_subscribers(3)
    send_test_message(issue, editor)
    (message,) = smtp_server.handler.messages_to("edna@example.org")
    sample = "https://news.example.org" + reverse("mailing:unsubscribe_sample")
    assert message["List-Unsubscribe"].strip() == f"<{sample}>"
    text_part, html_part = message.get_payload()
    assert f"Unsubscribe (one click, no login): {sample}" in text_part.get_content()
    assert f'href="{sample}"' in html_part.get_content()
    assert "/unsubscribe/0:" not in text_part.get_content() + html_part.get_content()


def test_it_changes_nothing_when_the_sample_link_is_followed_or_posted(send_permissions):
    editor, _ = send_permissions
    readers = make_subscribers(3)
    path = urlsplit(unsubscribe_url(preview_subscriber(editor))).path
    client = Client(enforce_csrf_checks=True)
    page = client.get(path).content.decode()
    assert "This is the test email's unsubscribe link" in page
    assert "nothing was changed" in page and "<form" not in page
    posted = client.post(path, data="List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded")
    assert posted.status_code == 200 and b"nothing was changed" in posted.content
    assert set(Subscriber.objects.values_list("status", flat=True)) == {"active"}
    assert len(readers) == Subscriber.objects.count()
