"""Shared fixtures: named users and roles, eager Celery by default, a real worker when asked for, local servers."""

from __future__ import annotations

import datetime
import io
import itertools
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import kombu.pools
import pytest
import redis
from django.test import Client, RequestFactory
from django.utils import timezone

from curator.celery import app as celery_app
from curator.feeds.models import Entry, Source
from summarizer import engine
from tests.factories import role_group
from tests.support.http_server import FixtureServer
from tests.support.link_server import LinkServer, running_link_server
from tests.support.paths import REPO, database_url_for_subprocess
from tests.support.tiny_models import build_causal, build_seq2seq


@pytest.fixture(autouse=True)
def _eager_celery(request: pytest.FixtureRequest) -> Iterator[None]:
    """Tasks run in-process unless a test starts a real worker."""
    eager = "worker" not in request.keywords
    old = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = eager
    yield
    celery_app.conf.task_always_eager = old


@pytest.fixture(autouse=True)
def _no_link_check_on_ready(settings) -> None:  # type: ignore[no-untyped-def]
    """Pick links in tests lead nowhere (no internet); the team tests turn the check on against their own server."""
    settings.TEAM_LINKCHECK_BEFORE_READY = False


class LoginClient(Client):
    """Client.login through authenticate(request=...), as the login form calls it.

    The login lockout (django-axes) refuses to authenticate without a request, because it cannot tell
    whom to count the attempt against; Django's Client.login passes none.
    """

    def login(self, **credentials: object) -> bool:
        credentials.setdefault("request", RequestFactory().post("/admin/login/"))
        return super().login(**credentials)


@pytest.fixture
def client() -> Client:
    return LoginClient()


@pytest.fixture(autouse=True)
def _var_dir(tmp_path: Path, settings) -> None:  # type: ignore[no-untyped-def]
    settings.EMAIL_FILE_PATH = str(tmp_path / "outbox")


@pytest.fixture
def celery_worker_process(transactional_db, tmp_path: Path) -> Iterator[Callable[..., subprocess.Popen]]:
    """Start real `celery worker` subprocesses against REDIS_URL and the test database.

    Returns a starter: start(queues="ingest", extra_env={...}, broker_url=None, loglevel="info") -> Popen; broker_url
    points a worker at another Redis than REDIS_URL (a private redis-server a test restarts). Every started worker
    is killed at teardown. The broker queues and kombu's unacked set are emptied first so a
    previous test's leftovers cannot leak into this test.
    """
    redis_url = os.environ.get("REDIS_URL")
    if not redis_url:
        pytest.fail("worker tests need REDIS_URL pointing at a real Redis")
    procs: list[subprocess.Popen] = []

    def start(
        queues: str = "default,ingest,summarize,mail",
        extra_env: dict | None = None,
        concurrency: int = 1,
        name: str = "w",
        broker_url: str | None = None,
        loglevel: str = "info",
    ) -> subprocess.Popen:
        env = {
            **os.environ,
            "DATABASE_URL": database_url_for_subprocess(),
            "REDIS_URL": broker_url or redis_url,
            "CELERY_TASK_ALWAYS_EAGER": "False",
            "PYTHONUNBUFFERED": "1",
            **(extra_env or {}),
        }
        log = tmp_path / f"worker-{name}-{len(procs)}.log"
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "curator",
                "worker",
                "-Q",
                queues,
                "-c",
                str(concurrency),
                "-n",
                f"{name}{len(procs)}@%h",
                "--without-gossip",
                "--without-mingle",
                "-l",
                loglevel,
            ],
            cwd=REPO,
            env=env,
            stdout=log.open("w"),
            stderr=subprocess.STDOUT,
        )
        proc.log_path = log  # type: ignore[attr-defined]
        procs.append(proc)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if "ready." in log.read_text():
                return proc
            if proc.poll() is not None:
                pytest.fail(f"worker exited early:\n{log.read_text()}")
            time.sleep(0.2)
        pytest.fail(f"worker did not become ready:\n{log.read_text()}")

    with celery_app.connection_for_write() as conn:
        for queue in ("default", "ingest", "summarize", "mail"):
            conn.default_channel.queue_purge(queue)
    # Workers are SIGKILLed at teardown, so tasks they held (a retry waiting for its countdown) stay in
    # kombu's unacked set, and a later worker restores them at start-up: clear that too.
    redis.Redis.from_url(redis_url).delete("unacked", "unacked_index", "unacked_mutex")
    yield start
    for proc in procs:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=30)


@pytest.fixture
def editor(django_user_model):  # type: ignore[no-untyped-def]
    """A staff member in the Editor group (created by the editions migration)."""
    user = django_user_model.objects.create_user(
        "edna", "edna@example.org", "edna-password", is_staff=True, first_name="Edna", last_name="Editor"
    )
    user.groups.add(role_group("Editor"))
    return user


@pytest.fixture
def editor_client(client, editor):  # type: ignore[no-untyped-def]
    """The test client signed in as the Editor."""
    client.force_login(editor)
    return client


@pytest.fixture
def publisher(django_user_model):  # type: ignore[no-untyped-def]
    """A staff member in the Publisher group: may also send."""
    user = django_user_model.objects.create_user(
        "paula", "paula@example.org", "paula-password", is_staff=True, first_name="Paula", last_name="Publisher"
    )
    user.groups.add(role_group("Publisher"))
    return user


class Broker:
    """Points the Celery app at the real Redis or at a closed local port (an unreachable broker).

    `run_queued()` does what a worker does with each message in the real queues: it runs the task
    under the message's task id, in this process, so the test can assert on the database and the
    mail outbox.
    """

    QUEUES = ("default", "ingest", "summarize", "mail")

    def __init__(self, redis_url: str) -> None:
        self.redis_url = redis_url
        self.redis = redis.Redis.from_url(redis_url)

    def point_at(self, url: str) -> None:
        celery_app.conf.task_always_eager = False
        celery_app.conf.broker_url = url
        # Drop pooled connections and producers to the previous broker (kombu keeps them globally).
        # Not app.close(): that also deregisters the app, and shared tasks then cannot find it.
        celery_app._pool = None
        celery_app.amqp._producer_pool = None
        kombu.pools.reset()

    def down(self) -> None:
        import socket

        with socket.socket() as probe:  # a port nothing listens on: connections are refused at once
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        self.point_at(f"redis://127.0.0.1:{port}/0")

    def up(self) -> None:
        self.point_at(self.redis_url)

    def queued(self) -> int:
        return sum(self.redis.llen(queue) for queue in self.QUEUES)

    def purge(self) -> None:
        self.redis.delete(*self.QUEUES)

    def run_queued(self) -> list[str]:
        """Run every queued message once, oldest first, until the queues are empty; returns their task ids."""
        import base64
        import json

        ran = []
        while True:
            raw = next((m for m in (self.redis.rpop(q) for q in self.QUEUES) if m is not None), None)
            if raw is None:
                return ran
            message = json.loads(raw)
            args, kwargs, _embed = json.loads(base64.b64decode(message["body"]))
            headers = message["headers"]
            celery_app.tasks[headers["task"]].apply(args, kwargs, task_id=headers["id"], throw=True)
            ran.append(headers["id"])


class DatabaseOutage:
    """The database made unreachable for every thread: its port swapped for one nothing listens on."""

    def __init__(self) -> None:
        import socket

        from django.db import connection

        self.connection = connection
        self.port = connection.settings_dict["PORT"]  # the dict every thread's connection is made from
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.closed_port = probe.getsockname()[1]

    def down(self) -> None:
        self.connection.close()
        self.connection.settings_dict["PORT"] = self.closed_port

    def up(self) -> None:
        self.connection.close()
        self.connection.settings_dict["PORT"] = self.port


@pytest.fixture
def database_down(transactional_db) -> Iterator[DatabaseOutage]:  # type: ignore[no-untyped-def]
    """The database is down for the test (`up()` brings it back), and back afterwards."""
    outage = DatabaseOutage()
    outage.down()
    yield outage
    outage.up()


@pytest.fixture
def broker() -> Iterator[Broker]:
    """The real Redis as the broker (non-eager), with `down()` / `up()` to simulate an outage."""
    redis_url = os.environ.get("REDIS_URL")
    if not redis_url:
        pytest.fail("broker tests need REDIS_URL pointing at a real Redis")
    old_url, old_eager = celery_app.conf.broker_url, celery_app.conf.task_always_eager
    fixture = Broker(redis_url)
    fixture.up()
    fixture.purge()
    yield fixture
    fixture.purge()
    celery_app.conf.broker_url = old_url
    celery_app.conf.task_always_eager = old_eager
    fixture.point_at(old_url)
    celery_app.conf.task_always_eager = old_eager


_entry_numbers = itertools.count(1)


@pytest.fixture
def source(db) -> Source:  # type: ignore[no-untyped-def]
    """A preprint feed; packages whose entries need another source define their own `source`."""
    return Source.objects.create(name="Preprints", url="https://preprints.example/feed.xml", kind=Source.Kind.RSS)


@pytest.fixture
def make_entry(source: Source) -> Callable[..., Entry]:
    """Entries of `source`, each an hour older than the one before; packages with other needs define their own."""

    def make(title: str | None = None, abstract: str = "", **fields: object) -> Entry:
        n = next(_entry_numbers)
        defaults: dict[str, object] = {
            "source": source,
            "guid": f"guid-{n}",
            "url": f"https://preprints.example/{n}",
            "title": title or f"Entry number {n}",
            "abstract": abstract,
            "published_at": timezone.now() - datetime.timedelta(hours=n),
        }
        return Entry.objects.create(**{**defaults, **fields})

    return make


@pytest.fixture
def without_entries_created_receivers() -> Iterator[None]:
    """Other apps' reactions to new entries (drafting, indexing) are theirs to test: silence them here."""
    from curator.feeds.signals import entries_created

    with entries_created.lock:
        saved = list(entries_created.receivers)
        entries_created.receivers.clear()
        entries_created.sender_receivers_cache.clear()
    yield
    with entries_created.lock:
        entries_created.receivers[:] = saved
        entries_created.sender_receivers_cache.clear()


@pytest.fixture
def roles(transactional_db) -> None:  # type: ignore[no-untyped-def]
    """Editor and Publisher groups even after an earlier transactional test flushed the tables."""
    from django.core.management import call_command

    call_command("sync_roles", stdout=io.StringIO())


@pytest.fixture
def make_member(django_user_model) -> Callable:  # type: ignore[no-untyped-def]
    def make(username: str, first_name: str, role: str = "Editor", email: str | None = None):  # type: ignore[no-untyped-def]
        user = django_user_model.objects.create_user(
            username,
            f"{username}@example.org" if email is None else email,
            f"{username}-password",
            is_staff=True,
            first_name=first_name,
        )
        user.groups.add(role_group(role))
        return user

    return make


@pytest.fixture
def link_server() -> Iterator[LinkServer]:
    """Pages for the link check on 127.0.0.1 (tests/support/link_server.py)."""
    with running_link_server() as server:
        yield server


@pytest.fixture(scope="session")
def model_dirs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("models")
    return {
        "seq2seq": build_seq2seq(root / "tiny-bart"),
        "causal": build_causal(root / "tiny-gpt2-chat"),
        "causal_plain": build_causal(root / "tiny-gpt2-plain", chat_template=False),
    }


@pytest.fixture
def use_model(settings, model_dirs: dict[str, Path]) -> Callable[[str], Path]:  # type: ignore[no-untyped-def]
    """Point SUMMARIZER_MODEL at one of the tiny models, exactly as a deployment would."""

    def choose(kind: str = "seq2seq") -> Path:
        settings.SUMMARIZER_MODEL = str(model_dirs[kind])
        engine.reset()
        return model_dirs[kind]

    return choose


@pytest.fixture
def feed_server() -> Iterator[FixtureServer]:
    server = FixtureServer()
    yield server
    server.close()


@pytest.fixture
def allow_loopback(settings) -> None:  # type: ignore[no-untyped-def]
    """The fetcher refuses loopback by default; the tests allow exactly the test server's address."""
    settings.FEEDS_ALLOWED_NETWORKS = ["127.0.0.1/32"]


@pytest.fixture
def make_source(feed_server: FixtureServer):  # type: ignore[no-untyped-def]
    def make(path: str, name: str = "", **fields) -> Source:  # type: ignore[no-untyped-def]
        return Source.objects.create(name=name or path, url=feed_server.url(path), **fields)

    return make
