"""The mailing tests' fixtures: a real SMTP server, the shared mailing settings, a private cache namespace."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from curator.editions.models import Issue
from tests.factories import make_issue
from tests.support.smtp_server import SMTPServer, apply_mailing_settings, running_smtp_server, use_private_cache


@pytest.fixture
def smtp_server(settings) -> Iterator[SMTPServer]:  # type: ignore[no-untyped-def]
    """A live SMTP server on 127.0.0.1, with Django's SMTP backend pointed at it."""
    with running_smtp_server(settings) as server:
        yield server


@pytest.fixture(autouse=True)
def _mailing_settings(settings) -> None:  # type: ignore[no-untyped-def]
    apply_mailing_settings(settings)


@pytest.fixture(autouse=True)
def _fresh_cache(settings) -> None:  # type: ignore[no-untyped-def]
    use_private_cache(settings)


@pytest.fixture
def issue(db) -> Issue:  # type: ignore[no-untyped-def]
    return make_issue()


@pytest.fixture
def send_permissions(editor, publisher):  # type: ignore[no-untyped-def]
    """Make sure both named users hold what their groups grant, even before group migrations existed."""
    from django.contrib.auth.models import Permission

    issue_perms = Permission.objects.filter(
        content_type__app_label="editions", codename__in=["view_issue", "change_issue"]
    )
    editor.user_permissions.add(*issue_perms)
    publisher.user_permissions.add(*issue_perms, Permission.objects.get(codename="send_issue"))
    return editor, publisher
