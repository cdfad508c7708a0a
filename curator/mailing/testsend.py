"""Preview and "send a test to me": the real renderer, addressed to the staff member."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.core.mail.message import make_msgid

from curator.editions.models import Issue
from curator.mailing.models import Subscriber
from curator.mailing.render import build_message, prepare_issue, site_domain


def preview_subscriber(user: User) -> Subscriber:
    """An unsaved stand-in reader: no id, so its unsubscribe link is the sample that changes nothing."""
    name = user.get_full_name() if hasattr(user, "get_full_name") else ""
    return Subscriber(email=getattr(user, "email", "") or "preview@example.org", name=name)


def send_test_message(issue: Issue, user: User) -> None:
    # A fresh Message-ID: the stable per-subscriber id is reserved for the real send.
    message = build_message(
        prepare_issue(issue),
        preview_subscriber(user),
        msg_id=make_msgid("test", domain=site_domain()),
        subject_prefix="[Test] ",
    )
    message.send(fail_silently=False)
