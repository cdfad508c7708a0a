"""arXiv pacing shared through Redis: one schedule for every process, a local fallback without it."""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import redis
from django.conf import settings

from curator.feeds import arxiv
from curator.lib import pacing

REPO = Path(__file__).resolve().parents[2]
CHILD = """
import json, os, sys, time
import django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "curator.settings")
django.setup()
from curator.feeds import arxiv
sys.stdout.write("ready\\n"); sys.stdout.flush()
sys.stdin.readline()  # both children start together
stamps = []
for _ in range(4):
    arxiv.pacer.wait(0.5)
    stamps.append(time.time())
print(json.dumps(stamps))
"""


@pytest.fixture
def clean_slot():
    if not settings.REDIS_URL:
        pytest.fail("pacing tests need REDIS_URL pointing at a real Redis")
    client = redis.Redis.from_url(settings.REDIS_URL)
    keys = [pacing.KEY_PREFIX + name for name in ("export.arxiv.org", "test-host")]
    client.delete(*keys)
    yield client
    client.delete(*keys)


def test_two_processes_take_turns_on_one_schedule(clean_slot):
    env = {**os.environ, "REDIS_URL": settings.REDIS_URL, "PYTHONPATH": str(REPO)}
    children = [
        subprocess.Popen(
            [sys.executable, "-c", CHILD], cwd=REPO, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        for _ in range(2)
    ]
    for child in children:
        assert child.stdout.readline().strip() == "ready"
    for child in children:
        child.stdin.write("go\n")
        child.stdin.flush()
    stamps = sorted(t for child in children for t in json.loads(child.communicate(timeout=60)[0].splitlines()[-1]))
    gaps = [b - a for a, b in itertools.pairwise(stamps)]
    # Alone, each process would fire its first request at once and the two would collide.
    assert stamps[-1] - stamps[0] >= 7 * 0.5 - 0.05
    assert min(gaps) >= 0.25, gaps


def test_reservations_queue_callers_in_arrival_order(clean_slot):
    waits = [pacing.reserve("test-host", 1.0) for _ in range(3)]
    assert waits[0] == pytest.approx(0.0, abs=0.05)
    assert waits[1] == pytest.approx(1.0, abs=0.05)
    assert waits[2] == pytest.approx(2.0, abs=0.05)


def test_without_redis_each_process_paces_itself(settings, monkeypatch):
    settings.REDIS_URL = ""
    assert pacing.reserve("test-host", 1.0) is None
    slept: list[float] = []
    monkeypatch.setattr(arxiv, "pacer", pacing.Pacer("export.arxiv.org", sleep=slept.append))
    arxiv.pacer.wait(5.0)
    arxiv.pacer.wait(5.0)
    assert len(slept) == 1 and 4.9 < slept[0] <= 5.0


def test_an_unreachable_redis_falls_back_to_process_pacing(settings, closed_port, caplog, monkeypatch):
    settings.REDIS_URL = f"redis://127.0.0.1:{closed_port}/0"
    monkeypatch.setattr(pacing, "_warned", False)
    assert pacing.reserve("test-host", 1.0) is None
    assert pacing.reserve("test-host", 1.0) is None
    assert caplog.text.count("Redis unavailable") == 1  # said once, not per request
    slept: list[float] = []
    monkeypatch.setattr(arxiv, "pacer", pacing.Pacer("export.arxiv.org", sleep=slept.append))
    arxiv.pacer.wait(5.0)
    arxiv.pacer.wait(5.0)
    assert len(slept) == 1
