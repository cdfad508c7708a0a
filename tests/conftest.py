"""Shared fixtures: named users and roles, eager Celery by default, a real worker when asked for, local servers."""

from __future__ import annotations

import datetime
import io
import itertools
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit

import kombu.pools
import pytest
import redis
from django.test import Client, RequestFactory
from django.utils import timezone

from curator.celery import app as celery_app
from curator.feeds.fetch import limiter
from curator.feeds.models import Entry, Source
from summarizer import engine, server
from tests.factories import FAST_HASHERS, create_member, make_text_entry, role_group
from tests.support.fake_openai import Script, fake_server
from tests.support.http_server import FixtureServer
from tests.support.link_server import LinkServer, running_link_server
from tests.support.ports import free_port
from tests.support.smtp_server import SMTPServer, apply_mailing_settings, running_smtp_server, use_private_cache
from tests.support.tiny_models import build_causal, build_seq2seq

LANES = {"browser": "e2e", "workers": "worker"}  # folder under tests/ -> the marker every test in it carries


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Each lane is a folder; its tests carry the lane's marker, which `make test-fast` leaves out."""
    here = Path(__file__).resolve().parent
    for item in items:
        folder = item.path.relative_to(here).parts[0] if here in item.path.parents else ""
        if folder in LANES:
            item.add_marker(getattr(pytest.mark, LANES[folder]))


@pytest.fixture(autouse=True)
def _eager_celery(request: pytest.FixtureRequest) -> Iterator[None]:
    """Tasks run in-process unless a test starts a real worker."""
    eager = "worker" not in request.keywords
    old = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = eager
    yield
    celery_app.conf.task_always_eager = old


@pytest.fixture(autouse=True)
def _fast_passwords(settings) -> None:
    """Named users have passwords; the production hasher would spend a second on each."""
    settings.PASSWORD_HASHERS = FAST_HASHERS


@pytest.fixture(autouse=True)
def _no_link_check_on_ready(settings) -> None:
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
def _var_dir(tmp_path: Path, settings) -> None:
    settings.EMAIL_FILE_PATH = str(tmp_path / "outbox")


@pytest.fixture
def editor(django_user_model):
    """A staff member in the Editor group (created by the editions migration)."""
    user = django_user_model.objects.create_user(
        "edna", "edna@example.org", "edna-password", is_staff=True, first_name="Edna", last_name="Editor"
    )
    user.groups.add(role_group("Editor"))
    return user


@pytest.fixture
def editor_client(client, editor):
    """The test client signed in as the Editor."""
    client.force_login(editor)
    return client


@pytest.fixture
def publisher(django_user_model):
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

        self.point_at(f"redis://127.0.0.1:{free_port()}/0")  # nothing listens: connections are refused at once

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

    def recover(self) -> list[str]:
        """The broker is back: a sweep hands over what waited, the worker runs it, a second sweep finds nothing."""
        from curator.outbox import handover
        from curator.outbox.models import OutboxMessage

        self.up()
        assert handover.sweep().waiting == 0
        ran = self.run_queued()
        assert handover.sweep().handed_over == 0 and self.run_queued() == []
        assert not OutboxMessage.objects.filter(handed_over_at__isnull=True).exists()
        return ran


class DatabaseOutage:
    """The database made unreachable for every thread: its port swapped for one nothing listens on."""

    def __init__(self) -> None:

        from django.db import connection

        self.connection = connection
        self.port = connection.settings_dict["PORT"]  # the dict every thread's connection is made from
        self.closed_port = free_port()

    def down(self) -> None:
        self.connection.close()
        self.connection.settings_dict["PORT"] = self.closed_port

    def up(self) -> None:
        self.connection.close()
        self.connection.settings_dict["PORT"] = self.port


@pytest.fixture
def database_down(transactional_db) -> Iterator[DatabaseOutage]:
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


@pytest.fixture
def source(db) -> Source:
    """A preprint feed; packages whose entries need another source define their own `source`."""
    return Source.objects.create(name="Preprints", url="https://preprints.example/feed.xml", kind=Source.Kind.RSS)


@pytest.fixture
def entry_defaults() -> Callable[[int], dict[str, object]]:
    """What a package's entries carry besides the common fields: packages override this, not make_entry."""
    return lambda n: {}


@pytest.fixture
def make_entry(source: Source, entry_defaults: Callable[[int], dict[str, object]]) -> Callable[..., Entry]:
    """Entries of `source` at <its site>/posts/<n>, each an hour older than the one before."""
    site = "{0.scheme}://{0.netloc}".format(urlsplit(source.url))
    numbers = itertools.count(1)  # per test: the hour offsets stay small whatever ran before

    def make(title: str | None = None, abstract: str = "", **fields: object) -> Entry:
        n = next(numbers)
        values: dict[str, object] = {
            "source": source,
            "guid": f"guid-{n}",
            "url": f"{site}/posts/{n}",
            "title": f"Entry number {n}",
            "abstract": "",
            "published_at": timezone.now() - datetime.timedelta(hours=n),
            **entry_defaults(n),
            **({"title": title} if title else {}),
            **({"abstract": abstract} if abstract else {}),
            **fields,
        }
        return Entry.objects.create(**values)

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
def roles(transactional_db) -> None:
    """Editor and Publisher groups even after an earlier transactional test flushed the tables."""
    from django.core.management import call_command

    call_command("sync_roles", stdout=io.StringIO())


@pytest.fixture
def make_member(django_user_model) -> Callable:
    """Staff members in a role group: make(username, first_name, role="Editor", email=None)."""

    def make(username: str, first_name: str, role: str = "Editor", email: str | None = None):
        return create_member(django_user_model, username, role, first_name, email=email)

    return make


@pytest.fixture
def team(make_member):
    """Three editors: Chris and Keita write, Edna edits."""
    return {
        "chris": make_member("chris", "Chris", role="Editor"),
        "keita": make_member("keita", "Keita", role="Editor"),
        "edna": make_member("edna2", "Edna", role="Editor"),
    }


@pytest.fixture
def send_permissions(editor, publisher):
    """Make sure both named users hold what their groups grant, even before group migrations existed."""
    from django.contrib.auth.models import Permission

    issue_perms = Permission.objects.filter(
        content_type__app_label="editions", codename__in=["view_issue", "change_issue"]
    )
    editor.user_permissions.add(*issue_perms)
    publisher.user_permissions.add(*issue_perms, Permission.objects.get(codename="send_issue"))
    return editor, publisher


@pytest.fixture
def smtp_server(settings) -> Iterator[SMTPServer]:
    """A live SMTP server on 127.0.0.1, with Django's SMTP backend pointed at it."""
    with running_smtp_server(settings) as server:
        yield server


@pytest.fixture
def mail_settings(settings) -> None:
    """The mailing settings the mail tests share, and a cache namespace of this test's own."""
    apply_mailing_settings(settings)
    use_private_cache(settings)


@pytest.fixture
def link_check_settings(settings) -> Iterator[None]:
    """The link check on: the fetcher may reach exactly the local servers' address, a second is slow."""
    settings.FEEDS_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    settings.TEAM_LINKCHECK_BEFORE_READY = True
    settings.TEAM_LINKCHECK_SLOW_SECONDS = 1.0
    settings.TEAM_LINKCHECK_TIMEOUT = 5.0
    limiter.reset()
    yield
    limiter.reset()


@pytest.fixture
def closed_port() -> int:
    """A port on 127.0.0.1 that nothing listens on: a dead host."""
    return free_port()


@pytest.fixture
def from_rows(make_entry) -> Callable[..., list[Entry]]:
    """Entries from demo rows (tests/support/demo_topics.py), with a triage status."""

    def make(rows: list[dict], triage: str = Entry.Triage.NEW) -> list[Entry]:
        return [make_entry(row["title"], row["abstract"], triage=triage) for row in rows]

    return make


@pytest.fixture
def text_entries(db) -> Callable[..., Entry]:
    """Entries with a real paper abstract or a post's full text, for the summarizer to read."""
    source = Source.objects.create(name="Lab blog", url="https://lab.example.org/feed.xml")
    counter = itertools.count(1)
    return lambda kind="paper", **fields: make_text_entry(source, next(counter), kind, **fields)


@pytest.fixture
def presets(request: pytest.FixtureRequest) -> None:
    """The shipped decoding presets, also after another test's transactional flush emptied the table."""
    for name in ("transactional_db", "db"):
        if name in request.fixturenames:
            request.getfixturevalue(name)
            break
    else:
        if not request.node.get_closest_marker("django_db"):
            return
    from summarizer import presets as shipped
    from summarizer.models import DecodingProfile

    shipped.install(DecodingProfile)


@pytest.fixture
def openai_api(settings):
    """The openai backend at a fake OpenAI-compatible server: start(*steps) -> its Script (support/fake_openai.py)."""
    settings.SUMMARIZER_BACKEND = "openai"
    settings.SUMMARIZER_API_MODEL = "fake-model"
    settings.SUMMARIZER_API_KEY = "test-key"
    settings.SUMMARIZER_API_TIMEOUT = 5.0
    settings.SUMMARIZER_API_CONCURRENCY = 4
    settings.SUMMARIZER_API_EXTRA_KNOBS = []
    server._clients.clear()
    contexts = []

    def start(*steps: dict) -> Script:
        script = Script(steps=list(steps) or [{"status": 200}])
        context = fake_server(script)
        settings.SUMMARIZER_API_BASE = context.__enter__()
        contexts.append(context)
        return script

    yield start
    for context in contexts:
        context.__exit__(None, None, None)
    server._clients.clear()


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
def use_model(settings, model_dirs: dict[str, Path]) -> Callable[[str], Path]:
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
def allow_loopback(settings) -> None:
    """The fetcher refuses loopback by default; the tests allow exactly the test server's address."""
    settings.FEEDS_ALLOWED_NETWORKS = ["127.0.0.1/32"]


@pytest.fixture
def make_source(feed_server: FixtureServer):
    def make(path: str, name: str = "", **fields) -> Source:
        return Source.objects.create(name=name or path, url=feed_server.url(path), **fields)

    return make


@pytest.fixture(scope="session", autouse=True)
def _flush_by_delete() -> Iterator[None]:
    """Empty the tables after a transactional test with DELETE, not PostgreSQL's TRUNCATE.

    Django's flush truncates every table in one statement, which replaces the files of ~80 tables and
    takes a quarter of a second; a test leaves a few rows, which DELETE removes in milliseconds. Every
    foreign key Django creates is checked at commit (DEFERRABLE INITIALLY DEFERRED), so the order does
    not matter. Sequences are left alone as TRUNCATE without RESTART IDENTITY leaves them; a flush that
    resets sequences still truncates.
    """
    from django.db.backends.postgresql.operations import DatabaseOperations

    truncate = DatabaseOperations.sql_flush

    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        if reset_sequences or allow_cascade:
            return truncate(self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade)
        return [f"{style.SQL_KEYWORD('DELETE FROM')} {style.SQL_FIELD(self.quote_name(table))};" for table in tables]

    DatabaseOperations.sql_flush = sql_flush
    yield
    DatabaseOperations.sql_flush = truncate
