"""pg_dump / pg_restore into a new database keeps every table and row, and old links keep working.

The procedure docs/operations.md describes ("Backup and restore"), run for real with PostgreSQL's
client tools against the test database and a scratch database of a unique name.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from psycopg import sql

from curator.mailing import subscriptions
from curator.mailing.models import Subscriber
from tests.support.paths import REPO, database_url_for_subprocess

TOOLS = ("pg_dump", "pg_restore", "createdb", "dropdb")

CHECK_LINK = """
import django, sys
django.setup()
from django.test.utils import setup_test_environment
setup_test_environment()
from django.test import Client
response = Client().get(f"/unsubscribe/{sys.argv[1]}/")
print(response.status_code, sys.argv[2] in response.content.decode())
"""


def conninfo() -> dict[str, str]:
    db = settings.DATABASES["default"]
    return {
        "host": db.get("HOST") or "127.0.0.1",
        "port": str(db.get("PORT") or 5432),
        "user": db.get("USER") or "postgres",
    }


def pg(tool: str, *args: str) -> None:
    info = conninfo()
    subprocess.run(
        [tool, "-h", info["host"], "-p", info["port"], "-U", info["user"], *args], check=True, capture_output=True
    )


def table_counts(dbname: str) -> dict[str, int]:
    info = conninfo()
    with psycopg.connect(host=info["host"], port=info["port"], user=info["user"], dbname=dbname) as conn:
        tables = [
            row[0]
            for row in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
            ).fetchall()
        ]
        count = sql.SQL("SELECT count(*) FROM {}")
        return {t: conn.execute(count.format(sql.Identifier(t))).fetchone()[0] for t in tables}


def link_works(database_url: str, token: str, email: str, secret_key: str) -> bool:
    env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": secret_key, "DEBUG": "True"}
    env["DJANGO_SETTINGS_MODULE"] = "curator.settings"
    out = subprocess.run(
        [sys.executable, "-c", CHECK_LINK, token, email], cwd=REPO, env=env, capture_output=True, text=True, check=True
    )
    return out.stdout.split()[-2:] == ["200", "True"]


@pytest.fixture
def scratch_database():
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    if missing:
        pytest.fail(f"the backup round trip needs PostgreSQL's client tools: {', '.join(missing)} missing")
    name = f"curator_restore_{uuid.uuid4().hex[:12]}"
    pg("createdb", name)
    yield name
    pg("dropdb", "--if-exists", name)


def test_a_dump_restored_into_a_new_database_is_identical_and_old_links_work(
    transactional_db, scratch_database, tmp_path: Path
):
    reader = Subscriber.objects.create(email="kept@example.org", status=Subscriber.Status.ACTIVE)
    token = subscriptions.unsubscribe_token(reader)  # as in an issue sent before the backup
    source = settings.DATABASES["default"]["NAME"]
    dump = tmp_path / "curator.dump"

    pg("pg_dump", "--format=custom", "--no-owner", "--file", str(dump), source)
    pg("pg_restore", "--no-owner", "--exit-on-error", "--dbname", scratch_database, str(dump))

    before, after = table_counts(source), table_counts(scratch_database)
    assert len(after) > 40 and after == before
    assert after["mailing_subscriber"] == 1

    restored = database_url_for_subprocess().rsplit("/", 1)[0] + f"/{scratch_database}"
    assert link_works(restored, token, reader.email, settings.SECRET_KEY)
    # Without the old SECRET_KEY every link in mail already sent is refused.
    assert not link_works(restored, token, reader.email, "a-new-key-that-was-not-kept-with-the-backup")
