"""One Redis database per pytest-xdist worker, chosen before Django reads its settings.

The broker, cache, rate-limit and pacing tests clear or count keys in Redis; two test processes on
one database would see each other's keys. pytest loads this module through `-p` (pyproject.toml);
its hook runs after pytest-env has set the default REDIS_URL and before pytest-django imports the
settings, which read REDIS_URL once: worker gwN uses the database N above the one REDIS_URL names
(modulo Redis's 16), so a serial run is unchanged.
"""

from __future__ import annotations

import os
from urllib.parse import urlsplit, urlunsplit

import pytest

REDIS_DATABASES = 16
GIVEN_REDIS_URL = ""  # REDIS_URL before this process took its own database (set by the hook below)


def worker_redis_url(url: str, worker: str) -> str:
    """REDIS_URL for xdist worker `worker` ("gw0", "gw1", ...): the same server, its own database."""
    parts = urlsplit(url)
    base = int(parts.path.strip("/") or 0)
    offset = int(worker.removeprefix("gw"))
    return urlunsplit(parts._replace(path=f"/{(base + offset) % REDIS_DATABASES}"))


@pytest.hookimpl(tryfirst=True)  # pytest-env's (tryfirst, registered later) runs before it, pytest-django's after
def pytest_load_initial_conftests() -> None:
    global GIVEN_REDIS_URL
    worker, url = os.environ.get("PYTEST_XDIST_WORKER"), os.environ.get("REDIS_URL", "")
    GIVEN_REDIS_URL = url
    if worker and url:
        os.environ["REDIS_URL"] = worker_redis_url(url, worker)
