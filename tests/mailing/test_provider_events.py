"""Bounces and complaints reported by a provider's webhook (anymail's Postmark tracking view)."""

import base64
import json

import pytest

from curator.mailing.models import ProviderEvent, Subscriber
from tests.factories import make_subscribers

pytestmark = pytest.mark.django_db
URL = "/anymail/postmark/tracking/"
AUTH = "Basic " + base64.b64encode(b"hook:s3cret").decode()


@pytest.fixture(autouse=True)
def _webhook_secret(settings):
    settings.EMAIL_BACKEND = "anymail.backends.postmark.EmailBackend"
    settings.ANYMAIL = {"WEBHOOK_SECRET": "hook:s3cret", "POSTMARK_SERVER_TOKEN": "server-token"}


def bounce(email, event_id=4323372036854775807, kind="HardBounce"):
    return {
        "RecordType": "Bounce", "ID": event_id, "Type": kind, "TypeCode": 1, "Email": email,
        "MessageID": "883953f4-6105-42a2-a16a-77a8eac79483", "BouncedAt": "2026-11-22T10:00:00Z",
        "Description": "The server was unable to deliver your message.", "Details": "550 mailbox unavailable",
    }  # fmt: skip


def post(client, payload, auth=AUTH):
    return client.post(URL, json.dumps(payload), content_type="application/json", HTTP_AUTHORIZATION=auth)


def test_a_hard_bounce_counts_like_a_5xx_and_bounces_at_the_limit(client, settings):
    settings.MAILING_BOUNCE_LIMIT = 2
    (reader,) = make_subscribers(1)
    assert post(client, bounce(reader.email.upper(), event_id=1)).status_code == 200
    reader.refresh_from_db()
    assert reader.hard_bounces == 1 and reader.status == Subscriber.Status.ACTIVE
    post(client, bounce(reader.email, event_id=2))
    reader.refresh_from_db()
    assert reader.hard_bounces == 2 and reader.status == Subscriber.Status.BOUNCED
    assert list(ProviderEvent.objects.values_list("action", flat=True)) == ["bounce", "bounce"]


def test_a_retried_webhook_counts_once(client):
    (reader,) = make_subscribers(1)
    for _ in range(3):  # the provider timed out waiting for us and sent it again
        assert post(client, bounce(reader.email, event_id=77)).status_code == 200
    reader.refresh_from_db()
    assert reader.hard_bounces == 1
    assert ProviderEvent.objects.count() == 1


def test_a_spam_complaint_unsubscribes_at_once(client):
    (reader,) = make_subscribers(1)
    complaint = {**bounce(reader.email, event_id=9), "RecordType": "SpamComplaint", "Type": "SpamComplaint"}
    post(client, complaint)
    reader.refresh_from_db()
    assert reader.status == Subscriber.Status.UNSUBSCRIBED and reader.hard_bounces == 0


def test_events_for_strangers_and_harmless_events_change_nothing(client):
    (reader,) = make_subscribers(1)
    post(client, bounce("stranger@example.net", event_id=5))
    delivered = {"RecordType": "Delivery", "Recipient": reader.email, "DeliveredAt": "2026-11-22T10:00:00Z"}
    post(client, delivered)
    reader.refresh_from_db()
    assert reader.hard_bounces == 0 and reader.status == Subscriber.Status.ACTIVE
    assert sorted(ProviderEvent.objects.values_list("action", flat=True)) == ["ignored", "ignored"]


def test_it_refuses_a_webhook_without_the_secret(client):
    (reader,) = make_subscribers(1)
    wrong = "Basic " + base64.b64encode(b"hook:guess").decode()
    assert post(client, bounce(reader.email), auth=wrong).status_code in (400, 401, 403)
    reader.refresh_from_db()
    assert reader.hard_bounces == 0 and not ProviderEvent.objects.exists()


def test_publishers_can_see_provider_events_and_nobody_can_edit_them(client, publisher):
    from django.contrib.auth.models import Group

    codenames = set(Group.objects.get(name="Publisher").permissions.values_list("codename", flat=True))
    assert "view_providerevent" in codenames
    assert not codenames & {"add_providerevent", "change_providerevent", "delete_providerevent"}
    client.force_login(publisher)
    assert client.get("/admin/mailing/providerevent/").status_code == 200
