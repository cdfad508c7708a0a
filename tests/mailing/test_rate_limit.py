import itertools
import threading
import time

import pytest
import redis

from curator.lib import pacing
from curator.lib.pacing import Pacer


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(round(seconds, 6))
        self.now += seconds


def test_it_spaces_messages_to_the_configured_rate():
    clock = FakeClock()
    limiter = Pacer.per_second(None, 4, clock=clock, sleep=clock.sleep)
    for _ in range(5):
        limiter.wait()
    assert clock.slept == [0.25, 0.25, 0.25, 0.25]
    assert clock.now == 101.0


def test_it_does_not_sleep_when_sending_is_slower_than_the_limit():
    clock = FakeClock()
    limiter = Pacer.per_second(None, 2, clock=clock, sleep=clock.sleep)
    limiter.wait()
    clock.now += 1.0  # the message itself took a second
    limiter.wait()
    assert clock.slept == []


def test_a_slow_shared_reservation_does_not_shorten_the_next_gap(monkeypatch):
    """The Redis round trip takes time; the next call is spaced from when this one went, not before."""
    clock = FakeClock()
    round_trips = iter([0.03, 0.02, 0.01])  # Redis answers faster each time and grants the slot at once

    def slow_reservation(name, interval, sleep):
        clock.now += next(round_trips)
        return 0.0

    monkeypatch.setattr(pacing, "wait", slow_reservation)
    limiter = Pacer("example.org", 0.4, clock=clock, sleep=clock.sleep)
    went = []
    for _ in range(3):
        limiter.wait()
        went.append(clock.now)
    assert all(b - a >= 0.4 for a, b in itertools.pairwise(went))


def test_it_never_sleeps_without_a_limit():
    clock = FakeClock()
    limiter = Pacer.per_second(None, 0, clock=clock, sleep=clock.sleep)
    for _ in range(100):
        limiter.wait()
    assert clock.slept == []


def test_two_senders_share_one_rate_through_redis(settings):
    """Two mail workers (each its own limiter) sending at 4 messages/s together, not 4 each."""
    if not settings.REDIS_URL:
        pytest.fail("this test needs REDIS_URL pointing at a real Redis")
    redis.Redis.from_url(settings.REDIS_URL).delete(pacing.KEY_PREFIX + "test-mail")
    stamps: list[float] = []

    def worker() -> None:
        limiter = Pacer.per_second("test-mail", 4)
        for _ in range(3):
            limiter.wait()
            stamps.append(time.monotonic())

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    stamps.sort()
    assert len(stamps) == 6
    assert stamps[-1] - stamps[0] >= 5 * 0.25 - 0.03  # alone, each would finish in 0.5 s
    assert min(b - a for a, b in itertools.pairwise(stamps)) >= 0.12
