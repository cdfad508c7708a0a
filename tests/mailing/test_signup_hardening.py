"""The sign-up holes of the second security pass: folding, timing, scanners, names, variants, outages."""

from __future__ import annotations

import base64
import re

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from curator.mailing import signups, subscriptions
from curator.mailing.models import SignUp, Subscriber
from curator.mailing.tasks import send_signup_confirmation
from curator.outbox.models import OutboxMessage
from tests.support.ports import free_port

pytestmark = pytest.mark.django_db

KELVIN = "\u212a"  # KELVIN SIGN, which NFKC folds to K
SCANNERS = [
    # Proofpoint URL Defense and Microsoft Safe Links (as seen in access logs), and a generic preview bot.
    ("HEAD", "Mozilla/5.0 (compatible; Proofpoint URL Defense)"),
    ("GET", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Safe Links"),
    ("GET", "Mozilla/5.0 (compatible; BingPreview/1.0b)"),
    ("HEAD", "python-requests/2.32"),
]


def sign_up(client, django_capture_on_commit_callbacks, email: str, name: str = "", ip: str = "203.0.113.9"):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(reverse("mailing:subscribe"), {"email": email, "name": name}, REMOTE_ADDR=ip)


def link_in(message) -> str:
    (path,) = re.findall(r"https://news\.example\.org(/subscribe/confirm/[^/\s]+/)", message.body)
    return path


# One spelling per address, looked up as the unique index compares (on PostgreSQL).


@pytest.mark.parametrize("status", ["pending", "active", "unsubscribed"])
def test_a_kelvin_sign_finds_the_existing_row_instead_of_answering_500(
    client, django_capture_on_commit_callbacks, status
):
    assert connection.vendor == "postgresql"
    Subscriber.objects.create(email="kate@example.com", status=status)
    response = sign_up(client, django_capture_on_commit_callbacks, f"{KELVIN}ate@example.com")
    assert response.status_code == 302
    assert list(Subscriber.objects.values_list("email", flat=True)) == ["kate@example.com"]


def test_a_kelvin_sign_is_stored_as_the_letter_it_stands_for(client, django_capture_on_commit_callbacks):
    sign_up(client, django_capture_on_commit_callbacks, f"{KELVIN}ate@Ex\u00e4mple.COM")
    subscriber = Subscriber.objects.get()
    assert subscriber.email == "Kate@xn--exmple-cua.com"  # NFKC local part, IDNA (punycode) domain
    assert subscriptions.find_subscriber("kate@xn--exmple-cua.com") == subscriber


def test_a_local_part_that_would_fold_differently_in_the_database_is_refused(
    client, django_capture_on_commit_callbacks
):
    response = sign_up(client, django_capture_on_commit_callbacks, "\u0131ate@example.com")  # dotless i
    assert response.status_code == 400 and b"plain letters and digits" in response.content
    assert not Subscriber.objects.exists() and not SignUp.objects.exists()


def test_a_lost_insert_race_reads_the_winners_row(monkeypatch):
    winner = Subscriber.objects.create(email="KATE@example.com", status="pending")
    real = subscriptions.find_subscriber
    calls = []

    def first_lookup_misses(email: str):
        calls.append(email)  # the other request commits between our lookup and our insert
        return None if len(calls) == 1 else real(email)

    monkeypatch.setattr(subscriptions, "find_subscriber", first_lookup_misses)
    subscriber, needs_confirmation = subscriptions.subscribe("kate@example.com")
    assert subscriber.pk == winner.pk and needs_confirmation and len(calls) == 2
    assert Subscriber.objects.count() == 1


# The same request path and answer for every valid address.


def _shape(queries: list[dict]) -> list[str]:
    """Each statement without its literal values, so two requests can be compared by what they did."""
    return [re.sub(r"'[^']*'|\b\d+\b|\"s\d+_x\d+\"", "?", q["sql"]) for q in queries]


def test_the_request_does_the_same_database_work_for_every_address(client, settings):
    settings.MAILING_SIGNUPS_PER_IP_HOUR = 0
    Subscriber.objects.create(email="active@example.com", status="active")
    Subscriber.objects.create(email="pending@example.com", status="pending")
    Subscriber.objects.create(email="gone@example.com", status="unsubscribed")
    shapes = {}
    for email in ("new@example.com", "active@example.com", "pending@example.com", "gone@example.com"):
        with CaptureQueriesContext(connection) as queries:  # on-commit work (the worker's part) not run
            response = client.post(reverse("mailing:subscribe"), {"email": email})
        assert response.status_code == 302
        shapes[email] = _shape(queries.captured_queries)
    assert len({tuple(s) for s in shapes.values()}) == 1, shapes
    assert not any("mailing_subscriber" in sql for sql in shapes["new@example.com"])  # the worker decides
    assert OutboxMessage.objects.filter(task=signups.HANDLE_TASK).count() == 4


@pytest.mark.django_db(transaction=True)
def test_a_broker_outage_changes_the_answer_for_every_address_alike(client, broker):
    Subscriber.objects.create(email="active@example.com", status="active")
    broker.down()
    answers = {
        email: client.post(reverse("mailing:subscribe"), {"email": email})["Location"]
        for email in ("active@example.com", "new@example.com")
    }
    assert answers["active@example.com"] == answers["new@example.com"] == "/subscribe/check-your-inbox/?queued=later"
    broker.up()


def test_the_worker_mails_nobody_who_is_already_active(client, django_capture_on_commit_callbacks):
    Subscriber.objects.create(email="active@example.com", status="active", name="Ann")
    sign_up(client, django_capture_on_commit_callbacks, "active@example.com", "Someone else")
    assert mail.outbox == [] and not SignUp.objects.exists()
    assert Subscriber.objects.get().name == "Ann"


# Scanners fetch links; only the page's button confirms.


@pytest.mark.parametrize(("method", "agent"), SCANNERS)
def test_a_mail_scanner_opening_the_link_confirms_nothing(client, django_capture_on_commit_callbacks, method, agent):
    sign_up(client, django_capture_on_commit_callbacks, "mia@example.com")
    link = link_in(mail.outbox[0])
    fetch = client.head if method == "HEAD" else client.get
    for _ in range(3):
        assert fetch(link, HTTP_USER_AGENT=agent).status_code == 200
    assert Subscriber.objects.get().status == "pending"
    page = client.get(link)
    assert b'<form method="post"' in page.content and b"Confirm my subscription" in page.content
    assert page["Cache-Control"] == "private, no-store"
    assert client.post(link, {"name": ""}).status_code == 200
    assert Subscriber.objects.get().status == "active"


def test_a_link_mailed_before_opaque_tokens_shows_the_button_too(client):
    from django.core import signing

    subscriber = Subscriber.objects.create(email="mia@example.com")
    payload = {"s": subscriber.pk, "e": "mia@example.com", "n": subscriber.confirm_nonce}
    legacy = reverse("mailing:confirm", args=[signing.dumps(payload, salt=subscriptions.CONFIRM_SALT)])
    assert client.head(legacy).status_code == 200 and client.get(legacy).status_code == 200
    assert Subscriber.objects.get().status == "pending"
    assert b"You are subscribed" in client.post(legacy).content
    assert Subscriber.objects.get().status == "active"


# An opaque token, and a way out before the first issue.


def test_the_link_carries_an_opaque_token_not_the_address(client, django_capture_on_commit_callbacks):
    sign_up(client, django_capture_on_commit_callbacks, "mia@example.com")
    token = link_in(mail.outbox[0]).rstrip("/").rsplit("/", 1)[1]
    assert ":" not in token and len(token) >= 32
    padded = token + "=" * (-len(token) % 4)
    assert b"mia" not in base64.urlsafe_b64decode(padded)  # random bytes, nothing to decode
    assert SignUp.objects.get().token_hash != token  # only a hash of it is stored


def test_the_confirmation_email_and_page_offer_an_unsubscribe_link(client, django_capture_on_commit_callbacks):
    sign_up(client, django_capture_on_commit_callbacks, "mia@example.com")
    (message,) = mail.outbox
    (unsubscribe,) = re.findall(r"https://news\.example\.org(/unsubscribe/[^/\s]+/)", message.body)
    assert unsubscribe in message.alternatives[0][0]
    page = client.post(link_in(message))
    assert f'href="https://news.example.org{unsubscribe}"'.encode() in page.content
    assert Subscriber.objects.get().status == "active"
    client.post(unsubscribe)  # the reader leaves before the first issue arrived
    assert Subscriber.objects.get().status == "unsubscribed"


def test_an_invalid_address_is_reported_once(client, django_capture_on_commit_callbacks):
    response = sign_up(client, django_capture_on_commit_callbacks, "not-an-address")
    assert response.status_code == 400
    assert response.content.count(b"Enter a valid email address") == 1


# A name applies only when its sign-up is confirmed; the latest confirmed one wins.


def test_an_attackers_name_never_reaches_the_owner(client, django_capture_on_commit_callbacks, settings):
    settings.MAILING_CONFIRM_RESEND_MINUTES = 0
    sign_up(client, django_capture_on_commit_callbacks, "kate@example.com", "FINAL NOTICE: your card will be charged")
    assert Subscriber.objects.get().name == ""  # nothing confirmed yet, nothing greets anyone
    sign_up(client, django_capture_on_commit_callbacks, "kate@example.com", "Kate")
    attacker_link, owner_link = (link_in(m) for m in mail.outbox)
    assert attacker_link != owner_link  # each sign-up carries its own name behind its own link
    assert b'value="Kate"' in client.get(owner_link).content
    client.post(owner_link, {"name": "Kate"})
    assert Subscriber.objects.get().name == "Kate"
    client.post(owner_link, {"name": "Kate M."})  # confirming again (a later sign-up) replaces it
    assert Subscriber.objects.get().name == "Kate M."


# Variants of one inbox share one confirmation window; addresses stay as typed.


def test_address_variants_of_one_inbox_get_one_confirmation(client, django_capture_on_commit_callbacks):
    variants = [
        "kate@gmail.com",
        "kate+news@gmail.com",
        "k.a.t.e@gmail.com",
        '"kate"@gmail.com',
        "Kate@googlemail.com",
        "KATE+x@Gmail.com",
        "ka.te+y@googlemail.com",
        "kate@example.com",
        "kate+1@example.com",
    ]
    for email in variants:
        assert sign_up(client, django_capture_on_commit_callbacks, email).status_code == 302
    assert [m.to for m in mail.outbox] == [["kate@gmail.com"], ["kate@example.com"]]
    assert sorted(Subscriber.objects.values_list("email", flat=True)) == ["kate@example.com", "kate@gmail.com"]


def test_a_tagged_address_is_kept_as_typed(client, django_capture_on_commit_callbacks):
    sign_up(client, django_capture_on_commit_callbacks, "Kate+News@Example.com")
    assert Subscriber.objects.get().email == "Kate+News@example.com"
    assert mail.outbox[0].to == ["Kate+News@example.com"]


# The resend window holds in the database while the cache is down.


def test_the_resend_window_holds_while_the_cache_is_down(settings):
    port = free_port()
    first = signups.record("mia@example.com", "")
    second = signups.record("mia+again@example.com", "")
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": f"redis://127.0.0.1:{port}/0"}
    }
    send_signup_confirmation.apply((first.pk,), throw=True)
    send_signup_confirmation.apply((second.pk,), throw=True)
    assert [m.to for m in mail.outbox] == [["mia@example.com"]]
    assert list(SignUp.objects.values_list("pk", flat=True)) == [first.pk]
