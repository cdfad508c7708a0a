"""Feedback from an email provider (django-anymail tracking webhooks) applied to subscribers.

With an SMTP relay a hard bounce arrives as a 5xx while sending; through a provider's API the
message is accepted first and the bounce or spam complaint comes back later as a webhook. Bounces
count toward MAILING_BOUNCE_LIMIT exactly as a 5xx does; a complaint or a provider-side
unsubscribe stops all mail to the person at once. Each event is recorded once (ProviderEvent), so
a provider's retried webhook never counts a bounce twice.
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction

from curator.mailing.models import ProviderEvent
from curator.mailing.subscriptions import find_subscriber, record_hard_bounce, unsubscribe

BOUNCE_EVENTS = {"bounced", "rejected"}
STOP_EVENTS = {"complained", "unsubscribed"}


def apply(esp: str, event_key: str, event_type: str, email: str) -> str:
    """Apply one provider event; returns what it did ("bounce", "unsubscribe", "ignored", "duplicate")."""
    subscriber = find_subscriber(email) if email else None
    if subscriber is None or event_type not in BOUNCE_EVENTS | STOP_EVENTS:
        action = "ignored"
    else:
        action = "bounce" if event_type in BOUNCE_EVENTS else "unsubscribe"
    try:
        with transaction.atomic():
            ProviderEvent.objects.create(
                esp=esp[:50], event_key=event_key[:255], event_type=event_type[:30], email=email[:254], action=action
            )
            if action == "bounce" and subscriber is not None:
                record_hard_bounce(subscriber.pk)
            elif action == "unsubscribe" and subscriber is not None:
                unsubscribe(subscriber.pk)
    except IntegrityError:
        return "duplicate"
    return action


def on_tracking(sender: Any, event: Any, esp_name: str, **kwargs: Any) -> None:
    """Receiver for anymail's `tracking` signal (connected in MailingConfig.ready when anymail is installed)."""
    email = event.recipient or ""
    when = event.timestamp.isoformat() if event.timestamp else ""
    key = event.event_id or f"{event.event_type}:{email.lower()}:{when}"
    apply(esp_name, key, str(event.event_type), email)
