"""Lease settings refuse values too short to renew in time, with a message naming the variable."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def load_settings(**env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", "import curator.settings"],  # the guards run when settings load
        cwd=REPO,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "curator.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize(
    ("name", "value", "minimum"), [("WORKER_LEASE_SECONDS", "5", "6"), ("MAILING_CLAIM_TIMEOUT", "2", "3")]
)
def test_it_refuses_a_lease_too_short_to_renew(name, value, minimum):
    loaded = load_settings(**{name: value})
    assert loaded.returncode != 0
    assert "ImproperlyConfigured" in loaded.stderr
    assert f"{name}={value}: use at least {minimum}" in loaded.stderr


def test_it_accepts_the_shortest_workable_leases():
    loaded = load_settings(WORKER_LEASE_SECONDS="6", MAILING_CLAIM_TIMEOUT="3")
    assert loaded.returncode == 0, loaded.stderr
