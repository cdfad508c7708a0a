"""Sign-ups from the public form: recorded by the request, decided by a worker, confirmed by a POST.

The request writes one `SignUp` row and one outbox row for every valid address, whatever the address's
state, so neither the answer nor its timing tells a prober who is subscribed. The worker then decides:
an active address gets nothing, an address mailed within the resend window gets nothing, the rest get
a link with a random token (only its hash is stored, and the address is never in the URL). Opening the
link shows a page; only its button's POST confirms, so mail scanners that fetch links confirm nothing.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from curator.mailing import signup_limits, subscriptions
from curator.mailing.addresses import mailbox_key
from curator.mailing.models import SignUp, Subscriber
from curator.outbox import NamedTask

handle_signup = NamedTask("curator.mailing.tasks.send_signup_confirmation")  # named: its module imports this one
HANDLE_TASK = handle_signup.name
NOT_VALID = "This confirmation link is not valid. It may have been cut short by your email program."
NOT_VALID_ANY_MORE = "This confirmation link is not valid any more. Please sign up again."
EXPIRED = "This confirmation link has expired. Please sign up again."


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def record(email: str, name: str) -> SignUp:
    """The request's part: the same two rows for every address; call inside the request's transaction."""
    signup = SignUp.objects.create(email=email, name=name.strip(), mailbox_key=_digest(mailbox_key(email)))
    handle_signup.delay(signup.pk)
    return signup


def for_subscriber(subscriber: Subscriber) -> SignUp:
    """A sign-up for a row a Publisher imported as pending: mailed without the resend window."""
    return SignUp.objects.create(
        email=subscriber.email,
        name=subscriber.name,
        mailbox_key=_digest(mailbox_key(subscriber.email)),
        subscriber=subscriber,
        nonce=subscriber.confirm_nonce,
    )


def _recently_mailed(signup: SignUp) -> bool:
    """The database's answer to the resend window: it holds while the cache is down or was emptied."""
    minutes = settings.MAILING_CONFIRM_RESEND_MINUTES
    if minutes <= 0:
        return False
    since = timezone.now() - timedelta(minutes=minutes)
    return SignUp.objects.filter(mailbox_key=signup.mailbox_key, mailed_at__gte=since).exclude(pk=signup.pk).exists()


def decide(signup_id: int) -> SignUp | None:
    """The worker's part: the sign-up to mail a link for, or None (active, mailed recently, gone).

    Safe to run again for one sign-up (a retried task): a sign-up already decided is mailed again
    with a fresh token only while its subscriber still waits for that confirmation.
    """
    _purge_old()
    signup = SignUp.objects.select_for_update().filter(pk=signup_id, confirmed_at__isnull=True).first()
    if signup is None:
        return None
    if signup.subscriber_id is not None:
        current = Subscriber.objects.filter(
            pk=signup.subscriber_id, status=Subscriber.Status.PENDING, confirm_nonce=signup.nonce
        ).exists()
        return signup if current else None
    if _recently_mailed(signup):
        signup.delete()  # nothing was mailed, so no link can name it; no row is made for the address
        return None
    subscriber, needs_confirmation = subscriptions.subscribe(signup.email)
    if not needs_confirmation or not signup_limits.take_confirmation_slot(signup.mailbox_key, signup.pk):
        signup.delete()
        return None
    signup.subscriber = subscriber
    signup.nonce = subscriber.confirm_nonce
    signup.save(update_fields=["subscriber", "nonce"])
    return signup


def new_token(signup: SignUp) -> str:
    """A fresh link token for `signup`; an earlier token of the same sign-up stops working."""
    token = secrets.token_urlsafe(24)
    signup.token_hash = _digest(token)
    signup.mailed_at = timezone.now()
    signup.save(update_fields=["token_hash", "mailed_at"])
    return token


def _purge_old() -> None:
    """Sign-ups past the link's lifetime are of no use to anyone; keep the table small."""
    horizon = timezone.now() - timedelta(seconds=settings.MAILING_CONFIRM_MAX_AGE) - timedelta(days=1)
    SignUp.objects.filter(created_at__lt=horizon).delete()


def is_legacy_token(token: str) -> bool:
    """Links mailed before opaque tokens were signed payloads, which always contain a colon."""
    return ":" in token


def signup_from_token(token: str) -> SignUp:
    """The sign-up a link was mailed for; InvalidToken with a reader-facing reason otherwise."""
    signup = SignUp.objects.select_related("subscriber").filter(token_hash=_digest(token)).first() if token else None
    if signup is None or signup.subscriber is None or signup.mailed_at is None:
        raise subscriptions.InvalidToken(NOT_VALID)
    if signup.mailed_at < timezone.now() - timedelta(seconds=settings.MAILING_CONFIRM_MAX_AGE):
        raise subscriptions.InvalidToken(EXPIRED)
    subscriber = signup.subscriber
    if subscriber.confirm_nonce != signup.nonce or subscriber.status not in (
        Subscriber.Status.PENDING,
        Subscriber.Status.ACTIVE,
    ):
        # Unsubscribed or bounced since (a new sign-up renewed the nonce): this consent ended.
        raise subscriptions.InvalidToken(NOT_VALID_ANY_MORE)
    return signup


def confirm(subscriber: Subscriber, nonce: str, name: str, signup: SignUp | None = None) -> bool:
    """Activate the sign-up carrying `nonce` and give the subscriber its name; False when it is void.

    The name is applied here and only here, so a name typed by whoever filled in the form never
    reaches an inbox whose owner did not confirm it; confirming a later sign-up replaces it.
    `signup` is None for links mailed before sign-ups had rows of their own.
    """
    name = name.strip()[:200]
    with transaction.atomic():
        Subscriber.objects.filter(pk=subscriber.pk, status=Subscriber.Status.PENDING, confirm_nonce=nonce).update(
            status=Subscriber.Status.ACTIVE, confirmed_at=timezone.now(), unsubscribed_at=None, hard_bounces=0
        )
        updated = Subscriber.objects.filter(
            pk=subscriber.pk, status=Subscriber.Status.ACTIVE, confirm_nonce=nonce
        ).update(name=name)
        if updated and signup is not None:
            SignUp.objects.filter(pk=signup.pk).update(confirmed_at=timezone.now(), name=name)
    subscriber.refresh_from_db()
    return updated == 1
