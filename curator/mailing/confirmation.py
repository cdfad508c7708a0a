"""The double opt-in email."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from curator.mailing.models import SignUp
from curator.mailing.subscriptions import unsubscribe_url


def confirm_url(token: str) -> str:
    return settings.SITE_URL + reverse("mailing:confirm", args=[token])


def confirmation_message(signup: SignUp, token: str) -> EmailMultiAlternatives:
    """The email asking the owner of an address to confirm a sign-up.

    Only the address goes into the templates, never the name: the name is whatever the person who
    filled in the form typed, and the form is open to anyone, so it would let strangers write to
    any inbox under our sender name. The unsubscribe link lets a reader who confirms leave again
    before the first issue (with its own link) arrives, and anyone else say "not me" at once.
    """
    assert signup.subscriber is not None
    context = {
        "site_name": settings.SITE_NAME,
        "site_url": settings.SITE_URL,
        "email": signup.email,
        "confirm_url": confirm_url(token),
        "unsubscribe_url": unsubscribe_url(signup.subscriber),
        "max_age_days": max(settings.MAILING_CONFIRM_MAX_AGE // 86400, 1),
    }
    subject = " ".join(render_to_string("mailing/confirm-subject.txt", context).split())
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string("mailing/confirm-body.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[signup.email],
    )
    message.attach_alternative(render_to_string("mailing/confirm-body.html", context), "text/html")
    return message


def send_confirmation_email(signup: SignUp, token: str) -> None:
    confirmation_message(signup, token).send(fail_silently=False)
