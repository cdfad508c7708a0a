import io

import pytest

from benchmarks import signup as signup_benchmark
from curator.mailing.models import SignUp, Subscriber
from curator.outbox.models import OutboxMessage

pytestmark = pytest.mark.django_db


def test_it_times_both_paths_for_both_kinds_of_address_and_keeps_nothing():
    out = io.StringIO()
    figures = signup_benchmark.run(stdout=out, rounds=5)
    for path in ("earlier", "today"):
        for kind in ("new", "active"):
            assert figures[f"{path}_{kind}_median_ms"] > 0
            assert figures[f"{path}_{kind}_p90_ms"] >= figures[f"{path}_{kind}_median_ms"]
    assert "today active: median" in out.getvalue()
    assert not Subscriber.objects.exists() and not SignUp.objects.exists() and not OutboxMessage.objects.exists()
