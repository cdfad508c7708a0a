"""A confirmation link confirms only the sign-up it was sent for, and only while it is pending."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from curator.mailing import signups, subscriptions
from curator.mailing.models import Subscriber

pytestmark = pytest.mark.django_db


def sign_up(client, django_capture_on_commit_callbacks, email: str) -> str:
    """Post the form and return the confirmation link of the email it sent."""
    before = len(mail.outbox)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("mailing:subscribe"), {"email": email})
    assert len(mail.outbox) == before + 1
    (path,) = re.findall(r"https://news\.example\.org(/subscribe/confirm/[^/\s]+/)", mail.outbox[-1].body)
    return path


@pytest.fixture(autouse=True)
def _no_resend_window(settings) -> None:
    settings.MAILING_CONFIRM_RESEND_MINUTES = 0  # these tests sign one address up several times


def test_it_does_not_reactivate_an_unsubscribed_reader_with_an_old_link(client, django_capture_on_commit_callbacks):
    link = sign_up(client, django_capture_on_commit_callbacks, "mia@example.com")
    assert client.post(link).status_code == 200
    subscriber = Subscriber.objects.get()
    subscriptions.unsubscribe(subscriber.pk)

    response = client.post(link)
    assert response.status_code == 400 and b"not valid any more" in response.content
    subscriber.refresh_from_db()
    assert subscriber.status == "unsubscribed" and subscriber.unsubscribed_at is not None


def test_it_does_not_let_an_old_link_confirm_a_new_sign_up(client, django_capture_on_commit_callbacks):
    old_link = sign_up(client, django_capture_on_commit_callbacks, "mia@example.com")
    client.post(old_link)
    subscriptions.unsubscribe(Subscriber.objects.get().pk)
    new_link = sign_up(client, django_capture_on_commit_callbacks, "mia@example.com")  # someone signs her up again
    assert Subscriber.objects.get().status == "pending"

    assert client.post(old_link).status_code == 400
    assert Subscriber.objects.get().status == "pending"
    assert client.post(new_link).status_code == 200  # only the link from this sign-up's email works
    assert Subscriber.objects.get().status == "active"


def test_it_does_not_revive_a_bounced_reader_with_an_old_link(client, django_capture_on_commit_callbacks):
    link = sign_up(client, django_capture_on_commit_callbacks, "mia@example.com")
    client.post(link)
    Subscriber.objects.update(status="bounced", hard_bounces=3)

    response = client.post(link)
    assert response.status_code == 400
    subscriber = Subscriber.objects.get()
    assert (subscriber.status, subscriber.hard_bounces) == ("bounced", 3)


def test_it_confirms_a_bounced_reader_only_through_a_new_sign_up(client, django_capture_on_commit_callbacks):
    old_link = sign_up(client, django_capture_on_commit_callbacks, "mia@example.com")
    client.post(old_link)
    Subscriber.objects.update(status="bounced", hard_bounces=3)
    new_link = sign_up(client, django_capture_on_commit_callbacks, "mia@example.com")

    assert client.post(old_link).status_code == 400
    assert Subscriber.objects.get().hard_bounces == 3
    assert client.post(new_link).status_code == 200
    subscriber = Subscriber.objects.get()
    assert (subscriber.status, subscriber.hard_bounces) == ("active", 0)  # they just received our email


def test_it_keeps_the_first_link_valid_while_the_sign_up_is_pending(client, django_capture_on_commit_callbacks):
    first = sign_up(client, django_capture_on_commit_callbacks, "mia@example.com")
    second = sign_up(client, django_capture_on_commit_callbacks, "mia@example.com")
    assert first != second  # each mailed sign-up has its own opaque link
    assert client.post(first).status_code == 200  # a second sign-up does not void the first one's link
    assert Subscriber.objects.get().status == "active"
    assert client.post(second).status_code == 200


def test_it_lets_an_unsubscribe_win_over_a_confirmation_already_read(client, django_capture_on_commit_callbacks):
    link = sign_up(client, django_capture_on_commit_callbacks, "mia@example.com")
    token = link.rstrip("/").rsplit("/", 1)[1]
    signup = signups.signup_from_token(token)
    assert signup.subscriber is not None
    subscriptions.unsubscribe(signup.subscriber.pk)  # lands between reading the link and confirming
    assert signups.confirm(signup.subscriber, signup.nonce, "", signup) is False
    assert Subscriber.objects.get().status == "unsubscribed"


def test_it_still_accepts_links_sent_before_sign_ups_had_a_nonce(client):
    from django.core import signing

    subscriber = Subscriber.objects.create(email="mia@example.com", confirm_nonce="")  # a row from before 0007
    legacy = signing.dumps({"s": subscriber.pk, "e": "mia@example.com"}, salt=subscriptions.CONFIRM_SALT)
    assert client.post(reverse("mailing:confirm", args=[legacy])).status_code == 200
    assert Subscriber.objects.get().status == "active"


def test_it_gives_every_new_sign_up_its_own_nonce():
    a, _ = subscriptions.subscribe("a@example.com")
    b, _ = subscriptions.subscribe("b@example.com")
    assert a.confirm_nonce and b.confirm_nonce and a.confirm_nonce != b.confirm_nonce
