"""`manage.py benchmark send`: a naive per-subscriber loop against send_issue + batched sending.

Both send the same issue to the same N scratch subscribers through a local SMTP sink running in its
own process. The naive loop calls `render_issue` (issue content, templates, CSS inlining) and
`send_mail` (a new SMTP connection) for every subscriber; ours is `send_issue` plus the worker's
batch loop: render once per batch, personalize by substitution, one connection per batch, and a
Delivery row marked sent after each accepted message.
Scratch rows are created for the run and deleted afterwards.
"""

from __future__ import annotations

import datetime as dt
import secrets
import time
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.core.management.base import CommandError, CommandParser
from django.test.utils import override_settings

from benchmarks.smtpsink import SinkProcess
from curator.editions.models import Issue, Pick, Section
from curator.mailing import control, send
from curator.mailing.models import Subscriber
from curator.mailing.render import render_issue


def add_arguments(parser: CommandParser) -> None:
    parser.add_argument("--subscribers", type=int, default=10_000, help="scratch subscribers to send to")
    parser.add_argument("--batch-size", type=int, default=None, help="default: MAILING_BATCH_SIZE")


def scratch_issue(tag: str) -> Issue:
    issue = Issue.objects.create(
        title=f"Benchmark issue {tag}",
        month=dt.date(2026, 1, 1),
        intro="A scratch issue for the send benchmark. It has an intro with **Markdown**, links and sections.",
        sign_off="Thanks for reading. Until next month!",
    )
    sections = list(issue.sections.all()) or [Section.objects.create(issue=issue, title="Recommended reading")]
    for n in range(8):
        Pick.objects.create(
            issue=issue,
            section=sections[n % len(sections)],
            title=f"Scratch pick {n}: a paper about efficient attention and data pruning",
            url=f"https://example.org/bench/{n}",
            blurb="Three or four sentences of blurb, as an editor would write them. " * 3,
            byline=("Ada", "Grace", "Alan")[n % 3],
            position=n,
        )
    Issue.objects.filter(pk=issue.pk).update(status=Issue.Status.READY)
    issue.refresh_from_db()
    return issue


def naive_send(issue: Issue, subscribers: list[Subscriber]) -> None:
    """The first version anyone writes: the public renderer and send_mail (one connection) per person."""
    for subscriber in subscribers:
        subject, html, text = render_issue(issue, subscriber)
        send_mail(subject, text, settings.DEFAULT_FROM_EMAIL, [subscriber.email], html_message=html)


def run(stdout: Any, subscribers: int, batch_size: int | None, **options: Any) -> dict:
    others = Subscriber.objects.filter(status=Subscriber.Status.ACTIVE).count()
    if others:
        raise CommandError(
            f"{others} active subscribers exist in this database; run the benchmark against a scratch "
            "database (DATABASE_URL=...) so nobody real gets a Delivery row."
        )
    tag = secrets.token_hex(4)
    issue = scratch_issue(tag)
    readers = Subscriber.objects.bulk_create(
        Subscriber(email=f"bench-{tag}-{i}@example.invalid", name=f"Reader {i}", status=Subscriber.Status.ACTIVE)
        for i in range(subscribers)
    )
    try:
        with (
            SinkProcess() as sink,
            override_settings(
                EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
                EMAIL_HOST="127.0.0.1",
                EMAIL_PORT=sink.port,
                EMAIL_HOST_USER="",
                EMAIL_HOST_PASSWORD="",
                EMAIL_USE_TLS=False,
                EMAIL_USE_SSL=False,
                MAILING_RATE_LIMIT=0,
                MAILING_BATCH_SIZE=batch_size or settings.MAILING_BATCH_SIZE,
            ),
        ):
            stdout.write(f"baseline: naive loop over {subscribers} subscribers ...")
            start = time.perf_counter()
            naive_send(issue, readers)
            baseline_s = time.perf_counter() - start
            if not sink.wait_for(subscribers):
                raise CommandError(f"the sink received {sink.received} of {subscribers} baseline messages")

            stdout.write("ours: open_send + batches ...")
            start = time.perf_counter()
            control.open_send(issue)
            outcome = send.run_sending(issue.pk)
            ours_s = time.perf_counter() - start
            if not sink.wait_for(2 * subscribers) or not outcome.finished or outcome.sent != subscribers:
                raise CommandError(f"ours: sink got {sink.received - subscribers}, sent={outcome.sent}")
            received = sink.received
    finally:
        Issue.objects.filter(pk=issue.pk).delete()
        Subscriber.objects.filter(email__startswith=f"bench-{tag}-").delete()
    return {
        "subscribers": subscribers,
        "baseline_s": round(baseline_s, 3),
        "ours_s": round(ours_s, 3),
        "ratio": round(baseline_s / ours_s, 2),
        "messages_per_s": round(subscribers / ours_s, 1),
        "baseline_messages_per_s": round(subscribers / baseline_s, 1),
        "batch_size": batch_size or settings.MAILING_BATCH_SIZE,
        "batches": outcome.batches,
        "sink_received": received,
    }
