"""RFC 8058 one-click unsubscribe and the unsubscribe page."""

import pytest
from django.test import Client
from django.urls import reverse

from curator.mailing import subscriptions
from curator.mailing.models import Subscriber

pytestmark = pytest.mark.django_db


@pytest.fixture
def reader() -> Subscriber:
    return Subscriber.objects.create(email="mia@example.com", status="active")


@pytest.fixture
def bare_client() -> Client:
    """What a mailbox provider's one-click POST looks like: no cookies, no CSRF token, no login."""
    return Client(enforce_csrf_checks=True)


def one_click(client: Client, url: str):
    return client.post(url, data="List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded")


def test_it_unsubscribes_on_a_one_click_post_without_csrf_or_cookies(reader, bare_client):
    url = reverse("mailing:unsubscribe", args=[subscriptions.unsubscribe_token(reader)])
    response = one_click(bare_client, url)
    assert response.status_code == 200
    assert not response.cookies  # nothing to set, nothing required
    reader.refresh_from_db()
    assert reader.status == "unsubscribed" and reader.unsubscribed_at is not None


def test_it_treats_a_replayed_post_as_harmless(reader, bare_client):
    url = reverse("mailing:unsubscribe", args=[subscriptions.unsubscribe_token(reader)])
    assert one_click(bare_client, url).status_code == 200
    first = Subscriber.objects.get().unsubscribed_at
    assert one_click(bare_client, url).status_code == 200
    assert Subscriber.objects.get().unsubscribed_at == first


def test_it_only_shows_a_button_on_get(reader, bare_client):
    url = reverse("mailing:unsubscribe", args=[subscriptions.unsubscribe_token(reader)])
    response = bare_client.get(url)
    assert response.status_code == 200
    assert b'<form method="post"' in response.content and b"mia@example.com" in response.content
    assert Subscriber.objects.get().status == "active"  # link scanners follow GETs


def test_it_answers_a_tampered_token_with_a_clear_400(reader, bare_client):
    token = subscriptions.unsubscribe_token(reader)
    forged = f"{reader.pk + 1}:{token.split(':', 1)[1]}"
    for bad in (forged, token[:-3], subscriptions.confirm_token(reader)):
        url = reverse("mailing:unsubscribe", args=[bad])
        for response in (one_click(bare_client, url), bare_client.get(url)):
            assert response.status_code == 400
            assert b"This unsubscribe link is not valid" in response.content
    assert Subscriber.objects.get().status == "active"


def test_it_keeps_unsubscribe_links_working_forever(reader, bare_client):
    import datetime as dt

    import time_machine
    from django.utils import timezone

    url = reverse("mailing:unsubscribe", args=[subscriptions.unsubscribe_token(reader)])
    with time_machine.travel(timezone.now() + dt.timedelta(days=3650)):
        assert one_click(bare_client, url).status_code == 200
    assert Subscriber.objects.get().status == "unsubscribed"


def test_it_says_already_unsubscribed_instead_of_asking_again(reader, bare_client):
    url = reverse("mailing:unsubscribe", args=[subscriptions.unsubscribe_token(reader)])
    assert b"You are unsubscribed" in one_click(bare_client, url).content
    gone_at = Subscriber.objects.get().unsubscribed_at
    page = bare_client.get(url).content.decode()
    assert "You are already unsubscribed" in page
    assert "Stop sending" not in page and "<form" not in page
    replay = one_click(bare_client, url)
    assert replay.status_code == 200 and b"You are already unsubscribed" in replay.content
    assert Subscriber.objects.get().unsubscribed_at == gone_at


def test_it_does_not_ask_about_a_reader_who_is_no_longer_on_the_list(reader, bare_client):
    url = reverse("mailing:unsubscribe", args=[subscriptions.unsubscribe_token(reader)])
    reader.delete()
    assert b"You are already unsubscribed" in bare_client.get(url).content
    assert b"You are already unsubscribed" in one_click(bare_client, url).content
