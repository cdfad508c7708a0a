"""`manage.py benchmark signup`: does the sign-up request take longer for some addresses than others?

A prober who can time the form learns who is subscribed if the request does different work for an
active address than for a new one. This times the request's database work for both kinds of
address, with today's path (`signups.record`: one sign-up row and one outbox row, always) and with the
earlier path as the baseline (look the address up, create or update the subscriber, queue a
confirmation only when one is needed). Each call runs in a transaction that is rolled back, so
nothing is kept and nothing is handed to the broker; the hand-over after commit, which the earlier
path also made only for addresses that needed an email, is not in these figures.
"""

from __future__ import annotations

import statistics
import time
import uuid
from collections.abc import Callable
from typing import Any

from django.core.management.base import CommandParser
from django.db import transaction

from curator.mailing import signups, subscriptions
from curator.mailing.models import Subscriber

DOMAIN = "signup-bench.example"


class _Rollback(Exception):
    pass


def add_arguments(parser: CommandParser) -> None:
    parser.add_argument("--rounds", type=int, default=300, help="timed calls per path and kind of address")


def earlier_request(email: str, name: str) -> None:
    """The request path before sign-ups were decided by the worker (the naive baseline)."""
    subscriber = subscriptions.find_subscriber(email)
    if subscriber is None:
        subscriber = Subscriber.objects.create(email=email, name=name)
    if subscriber.status == Subscriber.Status.ACTIVE:
        return
    if name and not subscriber.name:
        subscriber.name = name
        subscriber.save(update_fields=["name"])
    signups.handle_signup.delay(subscriber.pk)


def today_request(email: str, name: str) -> None:
    signups.record(email, name)


def _time(call: Callable[[str, str], None], email: Callable[[], str], rounds: int) -> list[float]:
    samples = []
    for _ in range(rounds):
        address = email()
        start = time.perf_counter()
        try:
            with transaction.atomic():
                call(address, "Bench")
                raise _Rollback
        except _Rollback:
            pass
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def _summary(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return round(statistics.median(ordered), 3), round(ordered[int(len(ordered) * 0.9)], 3)


def run(stdout: Any, rounds: int, **options: Any) -> dict:
    active = Subscriber.objects.create(email=f"active-{uuid.uuid4().hex[:8]}@{DOMAIN}", status="active")
    figures: dict[str, Any] = {"rounds": rounds}
    try:
        kinds = {"new": lambda: f"new-{uuid.uuid4().hex}@{DOMAIN}", "active": lambda: active.email}
        for path_name, call in (("earlier", earlier_request), ("today", today_request)):
            for kind, email in kinds.items():
                _time(call, email, 20)  # warm caches and connections
                median, p90 = _summary(_time(call, email, rounds))
                figures[f"{path_name}_{kind}_median_ms"] = median
                figures[f"{path_name}_{kind}_p90_ms"] = p90
                stdout.write(f"{path_name:>8} {kind:>6}: median {median} ms, p90 {p90} ms")
            gap = figures[f"{path_name}_new_median_ms"] - figures[f"{path_name}_active_median_ms"]
            figures[f"{path_name}_gap_ms"] = round(gap, 3)
    finally:
        Subscriber.objects.filter(email__endswith=f"@{DOMAIN}").delete()
    return figures
