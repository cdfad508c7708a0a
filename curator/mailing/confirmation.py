"""The double opt-in email."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

from curator.mailing.models import Subscriber
from curator.mailing.subscriptions import confirm_url


def confirmation_message(subscriber: Subscriber) -> EmailMultiAlternatives:
    """The email asking the owner of an address to confirm a sign-up.

    Only the address goes into the templates, never the name: the name is whatever the person who
    filled in the form typed, and the form is open to anyone, so it would let strangers write to
    any inbox under our sender name.
    """
    context = {
        "site_name": settings.SITE_NAME,
        "site_url": settings.SITE_URL,
        "email": subscriber.email,
        "confirm_url": confirm_url(subscriber),
        "max_age_days": max(settings.MAILING_CONFIRM_MAX_AGE // 86400, 1),
    }
    subject = " ".join(render_to_string("mailing/confirm-subject.txt", context).split())
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string("mailing/confirm-body.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[subscriber.email],
    )
    message.attach_alternative(render_to_string("mailing/confirm-body.html", context), "text/html")
    return message


def send_confirmation_email(subscriber: Subscriber) -> None:
    confirmation_message(subscriber).send(fail_silently=False)
