"""Subscriber lifecycle: sign up, confirm, unsubscribe. Every state change is safe to call twice.

Unsubscribe tokens are signed with django.core.signing, never stored, and do not expire (an old
newsletter in someone's inbox must keep working). Confirmation links are opaque tokens (signups.py);
the signed confirm tokens below are what links mailed before those carried, read until they expire.
"""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import F
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone

from curator.mailing.addresses import comparison_key
from curator.mailing.models import Subscriber, new_confirm_nonce

CONFIRM_SALT = "curator.mailing.confirm"
UNSUBSCRIBE_SALT = "curator.mailing.unsubscribe"


class InvalidToken(Exception):
    """A token that was tampered with, belongs to another purpose, or expired."""


def find_subscriber(email: str) -> Subscriber | None:
    """The row for a normalised address, compared exactly as the unique index compares (LOWER)."""
    return Subscriber.objects.alias(key=Lower("email")).filter(key=comparison_key(email)).first()


def subscribe(email: str) -> tuple[Subscriber, bool]:
    """Make sure a normalised address has a row; returns (subscriber, needs_confirmation).

    Signing up again never creates a second row: the case-insensitive unique constraint is the
    arbiter when two requests race, and the loser reads the winner's row (or, if that row was
    deleted in between, tries again). No name is stored here: see signups.confirm.
    """
    while True:
        subscriber = find_subscriber(email)
        if subscriber is not None:
            break
        try:
            with transaction.atomic():
                subscriber = Subscriber.objects.create(email=email)
            break
        except IntegrityError:
            continue  # someone else's row won; the next lookup finds it
    if subscriber.status == Subscriber.Status.ACTIVE:
        return subscriber, False
    if subscriber.status != Subscriber.Status.PENDING:
        # Unsubscribed or bounced people may come back, but only through a new confirmation link: the
        # new nonce voids every link sent for an earlier sign-up.
        subscriber.status = Subscriber.Status.PENDING
        subscriber.confirm_nonce = new_confirm_nonce()
        subscriber.save(update_fields=["status", "confirm_nonce"])
    return subscriber, True


def confirm_token(subscriber: Subscriber) -> str:
    """A link of the kind mailed before sign-ups had opaque tokens; still accepted until it expires."""
    # The email is part of the payload so a token cannot confirm a row whose address changed since,
    # and the nonce so it confirms only the sign-up it was sent for.
    payload = {"s": subscriber.pk, "e": subscriber.email.lower(), "n": subscriber.confirm_nonce}
    return signing.dumps(payload, salt=CONFIRM_SALT)


def subscriber_from_confirm_token(token: str) -> Subscriber:
    try:
        data = signing.loads(token, salt=CONFIRM_SALT, max_age=settings.MAILING_CONFIRM_MAX_AGE)
    except signing.SignatureExpired:
        raise InvalidToken("This confirmation link has expired. Please sign up again.") from None
    except signing.BadSignature:
        raise InvalidToken("This confirmation link is not valid.") from None
    subscriber = Subscriber.objects.filter(pk=data.get("s")).first()
    if (
        subscriber is None
        or subscriber.email.lower() != data.get("e")
        # Links sent before nonces existed carry none and match the empty nonce those rows kept.
        or subscriber.confirm_nonce != data.get("n", "")
        # Unsubscribed or bounced since: their consent to this sign-up ended; only a new one counts.
        or subscriber.status not in (Subscriber.Status.PENDING, Subscriber.Status.ACTIVE)
    ):
        raise InvalidToken("This confirmation link is not valid any more. Please sign up again.")
    return subscriber


def confirm(subscriber: Subscriber) -> bool:
    """Activate the pending sign-up this subscriber object was read for; False when nothing changed.

    Only a PENDING row with the same nonce is touched, so an unsubscribe or a bounce that lands
    between reading the token and this update wins. hard_bounces starts again at zero because the
    person just received our email at this address.
    """
    updated = Subscriber.objects.filter(
        pk=subscriber.pk, status=Subscriber.Status.PENDING, confirm_nonce=subscriber.confirm_nonce
    ).update(status=Subscriber.Status.ACTIVE, confirmed_at=timezone.now(), unsubscribed_at=None, hard_bounces=0)
    subscriber.refresh_from_db()
    return updated == 1


def unsubscribe_token(subscriber: Subscriber) -> str:
    return signing.Signer(salt=UNSUBSCRIBE_SALT).sign(str(subscriber.pk))


def unsubscribe_url(subscriber: Subscriber) -> str:
    """The reader's own link; an unsaved stand-in (preview, test email) gets the sample link instead.

    A stand-in has no row, so a signed id would name nobody, or whoever gets that id one day.
    """
    if subscriber.pk is None:
        return settings.SITE_URL + reverse("mailing:unsubscribe_sample")
    return settings.SITE_URL + reverse("mailing:unsubscribe", args=[unsubscribe_token(subscriber)])


def subscriber_id_from_unsubscribe_token(token: str) -> int:
    try:
        value = signing.Signer(salt=UNSUBSCRIBE_SALT).unsign(token)
        return int(value)
    except (signing.BadSignature, ValueError):
        raise InvalidToken(
            "This unsubscribe link is not valid. It may have been cut short by your email program."
        ) from None


def unsubscribe(subscriber_id: int) -> bool:
    """Stop all mail to this subscriber; False when they were already out (replays are harmless)."""
    updated = (
        Subscriber.objects.filter(pk=subscriber_id)
        .exclude(status=Subscriber.Status.UNSUBSCRIBED)
        .update(status=Subscriber.Status.UNSUBSCRIBED, unsubscribed_at=timezone.now())
    )
    return updated == 1


def record_hard_bounce(subscriber_id: int) -> None:
    """Count a permanent refusal; past MAILING_BOUNCE_LIMIT the address is no longer mailed."""
    Subscriber.objects.filter(pk=subscriber_id).update(hard_bounces=F("hard_bounces") + 1)
    Subscriber.objects.filter(
        pk=subscriber_id, status=Subscriber.Status.ACTIVE, hard_bounces__gte=settings.MAILING_BOUNCE_LIMIT
    ).update(status=Subscriber.Status.BOUNCED)
