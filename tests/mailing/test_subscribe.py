"""Sign-up with double opt-in."""

import datetime as dt
import re

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from curator.mailing import subscriptions
from curator.mailing.models import Subscriber

pytestmark = pytest.mark.django_db


def sign_up(client, django_capture_on_commit_callbacks, email, name=""):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(reverse("mailing:subscribe"), {"email": email, "name": name})


def confirm_link(message) -> str:
    (url,) = re.findall(r"https://news\.example\.org(/subscribe/confirm/[^/\s]+/)", message.body)
    return url


def test_it_creates_a_pending_subscriber_and_emails_a_confirmation_link(client, django_capture_on_commit_callbacks):
    response = sign_up(client, django_capture_on_commit_callbacks, "Mia@Example.com", "Mia")
    assert response.status_code == 302 and response["Location"] == reverse("mailing:subscribe_done")
    subscriber = Subscriber.objects.get()
    # The name waits with the sign-up: it reaches the row only when the owner of the inbox confirms.
    assert (subscriber.email, subscriber.name, subscriber.status) == ("Mia@example.com", "", "pending")
    (message,) = mail.outbox
    assert message.to == ["Mia@example.com"]  # domains are stored in lower case, the local part as typed
    assert message.subject == "Confirm your subscription to Recommended Reading"
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html" and confirm_link(message) in html

    page = client.get(confirm_link(message))
    assert page.status_code == 200 and b'value="Mia"' in page.content and b"Confirm my subscription" in page.content
    page = client.post(confirm_link(message), {"name": "Mia"})
    assert page.status_code == 200 and b"You are subscribed" in page.content
    subscriber.refresh_from_db()
    assert subscriber.status == "active" and subscriber.confirmed_at is not None


def test_it_never_duplicates_repeated_sign_ups_whatever_the_case(client, django_capture_on_commit_callbacks):
    for email in ("mia@example.com", "MIA@example.com", " mia@EXAMPLE.com "):
        assert sign_up(client, django_capture_on_commit_callbacks, email).status_code == 302
    assert Subscriber.objects.count() == 1
    assert len(mail.outbox) == 1  # one confirmation per address per MAILING_CONFIRM_RESEND_MINUTES


def test_it_does_not_email_people_who_are_already_active(client, django_capture_on_commit_callbacks):
    Subscriber.objects.create(email="mia@example.com", status="active")
    response = sign_up(client, django_capture_on_commit_callbacks, "Mia@example.com")
    assert response.status_code == 302  # the same answer as for a new address: no probing
    assert mail.outbox == []
    assert Subscriber.objects.get().status == "active"


def test_it_lets_unsubscribed_people_opt_in_again(client, django_capture_on_commit_callbacks):
    gone = Subscriber.objects.create(email="mia@example.com", status="unsubscribed")
    sign_up(client, django_capture_on_commit_callbacks, "mia@example.com")
    assert Subscriber.objects.get(pk=gone.pk).status == "pending"  # not mailed until they click the link
    client.post(confirm_link(mail.outbox[0]))
    gone.refresh_from_db()
    assert gone.status == "active" and gone.unsubscribed_at is None


def test_it_rejects_an_invalid_address_with_a_clear_error(client, django_capture_on_commit_callbacks):
    response = sign_up(client, django_capture_on_commit_callbacks, "not-an-address")
    assert response.status_code == 400
    assert b"Enter a valid email address" in response.content
    assert not Subscriber.objects.exists() and mail.outbox == []


def test_it_drops_sign_ups_that_fill_the_honeypot(client):
    response = client.post(reverse("mailing:subscribe"), {"email": "bot@example.com", "website": "http://spam"})
    assert response.status_code == 302
    assert not Subscriber.objects.exists()


def test_it_rejects_expired_confirmation_links(client, settings):
    settings.MAILING_CONFIRM_MAX_AGE = 3600
    subscriber, _ = subscriptions.subscribe("mia@example.com")
    url = reverse("mailing:confirm", args=[subscriptions.confirm_token(subscriber)])
    with time_machine.travel(timezone.now() + dt.timedelta(hours=2)):
        response = client.get(url)
    assert response.status_code == 400 and b"expired" in response.content
    assert Subscriber.objects.get().status == "pending"


def test_it_rejects_tampered_and_wrong_purpose_tokens(client):
    subscriber, _ = subscriptions.subscribe("mia@example.com")
    token = subscriptions.confirm_token(subscriber)
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    unsubscribe_token = subscriptions.unsubscribe_token(subscriber)
    for bad in (tampered, unsubscribe_token, "garbage"):
        response = client.get(reverse("mailing:confirm", args=[bad]))
        assert response.status_code == 400 and b"not valid" in response.content
    assert Subscriber.objects.get().status == "pending"


def test_it_confirms_idempotently(client):
    subscriber, _ = subscriptions.subscribe("mia@example.com")
    url = reverse("mailing:confirm", args=[subscriptions.confirm_token(subscriber)])
    assert client.post(url).status_code == 200
    first = Subscriber.objects.get().confirmed_at
    assert client.post(url).status_code == 200
    assert Subscriber.objects.get().confirmed_at == first


def test_it_renders_the_subscribe_partial(client):
    page = client.get(reverse("mailing:subscribe"))
    assert page.status_code == 200
    assert b'action="/subscribe/"' in page.content and b'name="email"' in page.content


def test_the_form_in_a_cached_archive_page_works_without_a_csrf_cookie(django_capture_on_commit_callbacks):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)  # as a browser posting from a page a cache served
    with django_capture_on_commit_callbacks(execute=True):
        response = strict.post(reverse("mailing:subscribe"), {"email": "cached@example.org"})
    assert response.status_code == 302
    assert Subscriber.objects.get().status == "pending"
    assert len(mail.outbox) == 1


def test_it_never_puts_the_submitted_name_in_the_confirmation_email(client, django_capture_on_commit_callbacks):
    name = "Claim your prize at https://evil.example/win"
    sign_up(client, django_capture_on_commit_callbacks, "mia@example.com", name)
    (message,) = mail.outbox
    html, _ = message.alternatives[0]
    for part in (message.subject, message.body, html):
        assert "evil.example" not in part and "prize" not in part
    assert message.body.startswith("Hello,")


@pytest.mark.parametrize("address", ["user@[127.0.0.1]", "user@[::1]", "user@[10.0.0.1]"])
def test_it_refuses_ip_literal_addresses(client, django_capture_on_commit_callbacks, address):
    response = sign_up(client, django_capture_on_commit_callbacks, address)
    assert response.status_code == 400
    assert b"not an IP address" in response.content
    assert not Subscriber.objects.exists() and mail.outbox == []
