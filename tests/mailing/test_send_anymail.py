"""Sending through an email provider's HTTP API with django-anymail (Postmark's backend here),
against a local server that answers as Postmark's /email endpoint does."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from curator.editions.models import Issue
from curator.mailing import control, send
from curator.mailing.models import Delivery, Subscriber
from tests.factories import make_subscribers

pytestmark = pytest.mark.django_db
TOKEN = "server-token-for-tests"
INACTIVE = (
    "You tried to send to a recipient that has been marked as inactive.\nFound inactive addresses: {}.\n"
    "Inactive recipients are ones that have generated a hard bounce or a spam complaint."
)


@dataclass
class FakePostmark:
    url: str
    requests: list[dict] = field(default_factory=list)
    inactive: set[str] = field(default_factory=set)
    errors_left: Counter = field(default_factory=Counter)  # address -> 500 answers before accepting

    def accepted_to(self) -> Counter:
        return Counter(r["To"] for r in self.requests if r["_status"] == 200)


@pytest.fixture
def postmark(settings) -> Iterator[FakePostmark]:
    state = FakePostmark(url="")

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            to = body["To"]
            if self.path != "/email" or self.headers.get("X-Postmark-Server-Token") != TOKEN:
                status, answer = 401, {"ErrorCode": 10, "Message": "Bad or missing server token."}
            elif to in state.inactive:
                status, answer = 422, {"ErrorCode": 406, "Message": INACTIVE.format(to)}
            elif state.errors_left[to] > 0:
                state.errors_left[to] -= 1
                status, answer = 500, {"ErrorCode": 0, "Message": "Internal server error"}
            else:
                status = 200
                answer = {"To": to, "SubmittedAt": "2026-11-22T10:00:00Z", "MessageID": str(uuid.uuid4())}
                answer |= {"ErrorCode": 0, "Message": "OK"}
            state.requests.append({**body, "_status": status})
            data = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    state.url = f"http://127.0.0.1:{server.server_port}/"
    settings.EMAIL_BACKEND = "anymail.backends.postmark.EmailBackend"
    settings.ANYMAIL = {"POSTMARK_SERVER_TOKEN": TOKEN, "POSTMARK_API_URL": state.url}
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()


def test_each_subscriber_gets_one_personal_message_through_the_api(issue, postmark):
    readers = make_subscribers(5)
    control.send_issue(issue)
    outcome = send.run_sending(issue.pk)

    assert outcome.sent == 5
    assert postmark.accepted_to() == Counter({f"{r.email}": 1 for r in readers})
    first = next(r for r in postmark.requests if r["To"] == readers[0].email)
    assert first["Subject"] == issue.display_name
    assert "Pruning datasets before you train" in first["HtmlBody"]
    assert "Pruning datasets before you train" in first["TextBody"]
    headers = {h["Name"]: h["Value"] for h in first["Headers"]}
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert headers["List-Unsubscribe"].startswith("<https://news.example.org/unsubscribe/")
    assert set(Delivery.objects.filter(issue=issue).values_list("status", flat=True)) == {"sent"}
    issue.refresh_from_db()
    assert issue.status == Issue.Status.SENT


def test_a_recipient_the_provider_refuses_fails_and_counts_as_a_bounce(issue, postmark):
    readers = make_subscribers(4)
    postmark.inactive.add(readers[2].email)
    control.send_issue(issue)
    send.run_sending(issue.pk)

    failed = Delivery.objects.get(subscriber=readers[2])
    assert failed.status == "failed" and "AnymailRecipientsRefused" in failed.error
    assert Subscriber.objects.get(pk=readers[2].pk).hard_bounces == 1
    assert postmark.accepted_to() == Counter({r.email: 1 for r in readers if r != readers[2]})


def test_a_provider_outage_is_retried_and_never_blamed_on_the_subscriber(issue, postmark, settings):
    settings.MAILING_RETRY_BACKOFF = 0
    readers = make_subscribers(3)
    postmark.errors_left[readers[1].email] = 2
    control.send_issue(issue)
    for _ in range(3):
        send.run_sending(issue.pk)

    assert postmark.accepted_to() == Counter({r.email: 1 for r in readers})  # nobody twice, nobody missing
    row = Delivery.objects.get(subscriber=readers[1])
    assert row.status == "sent" and row.attempts == 3
    assert Subscriber.objects.get(pk=readers[1].pk).hard_bounces == 0


def test_a_wrong_token_fails_nobody_permanently(issue, postmark, settings):
    settings.ANYMAIL = {"POSTMARK_SERVER_TOKEN": "wrong", "POSTMARK_API_URL": postmark.url}
    make_subscribers(2)
    control.send_issue(issue)
    send.run_sending(issue.pk)
    assert set(Delivery.objects.filter(issue=issue).values_list("status", flat=True)) == {"queued"}
    assert not Subscriber.objects.filter(hard_bounces__gt=0).exists()


def test_provider_settings_come_from_anymail_variables():
    env = {**os.environ, "ANYMAIL_POSTMARK_SERVER_TOKEN": "from-env", "ANYMAIL_MESSAGE_STREAM": "newsletter"}
    code = "import django; django.setup(); from django.conf import settings; print(sorted(settings.ANYMAIL.items()))"
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=Path(__file__).resolve().parents[2],
        env={**env, "DJANGO_SETTINGS_MODULE": "curator.settings"},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "('MESSAGE_STREAM', 'newsletter')" in out and "('POSTMARK_SERVER_TOKEN', 'from-env')" in out
