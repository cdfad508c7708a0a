"""An editor's ordinary save of the issue page racing a publisher starting the send, on PostgreSQL.

The editor's POST reads the issue while it is still ready; the send takes the issue row lock and
commits `sending` while the POST is on its way to writing. The save must not put the issue back
to ready, nor rewrite the picks the send is about to mail.
"""

import datetime
import threading
import time

import pytest
from django.db import connection, transaction
from django.urls import reverse

from curator.editions import workflow
from curator.editions.models import Issue, Pick
from tests.factories import add_pick
from tests.support.forms import change_form_data, inline_prefix

pytestmark = pytest.mark.django_db(transaction=True)


def _wait_for_blocked_backend(timeout: float = 10.0) -> None:
    """Until another connection waits on a row lock: the editor's save has reached the issue row."""
    deadline = time.monotonic() + timeout
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
            if cursor.fetchone()[0]:
                return
            time.sleep(0.05)
    raise AssertionError("the editor's save never reached the issue row")


def test_a_save_that_started_before_the_send_leaves_the_issue_sending(roles, editor_client, publisher):
    issue = Issue.objects.create(title="Recommended reading", month=datetime.date(2026, 11, 1))
    pick = add_pick(issue, title="Alpha", blurb="The blurb as approved.")
    workflow.transition(issue, Issue.Status.READY)
    url = reverse("admin:editions_issue_change", args=[issue.pk])
    page = editor_client.get(url)  # the editor loads the page while the issue is ready
    data = change_form_data(page)
    prefix = inline_prefix(page, "pick")
    data[f"{prefix}-0-blurb"] = "A late edit the send must not pick up."
    data["intro"] = "A late intro."

    locked, go = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def start_send() -> None:
        try:
            with transaction.atomic():
                workflow.lock_issue(issue)  # the send holds the row from here to its commit
                locked.set()
                go.wait(10)
                workflow.transition(Issue.objects.get(pk=issue.pk), Issue.Status.SENDING, publisher)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    responses: list = []

    def save() -> None:
        try:
            responses.append(editor_client.post(url, data))
        finally:
            connection.close()

    sender = threading.Thread(target=start_send)
    sender.start()
    assert locked.wait(10)
    editor = threading.Thread(target=save)
    editor.start()
    _wait_for_blocked_backend()
    go.set()
    sender.join(20)
    editor.join(20)

    assert not errors
    issue.refresh_from_db()
    pick = Pick.objects.get(pk=pick.pk)
    assert issue.status == Issue.Status.SENDING
    assert (pick.blurb, issue.intro) == ("The blurb as approved.", "")
    assert responses and responses[0].status_code in (302, 403)
