"""After a transactional test the tables are emptied with DELETE (tests/conftest.py): nothing may stay."""

from __future__ import annotations

from django.apps import apps
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection

from curator.editions.models import Pick
from curator.mailing.models import Subscriber
from tests.factories import add_pick, make_issue, make_subscribers


def row_counts() -> dict[str, int]:
    models = [m for m in apps.get_models() if m._meta.managed and not m._meta.proxy]
    return {m._meta.label: m._default_manager.count() for m in models}


def test_the_flush_deletes_rows_rather_than_truncating_tables() -> None:
    assert connection.ops.sql_flush(no_style(), ["feeds_entry", "editions_pick"]) == [
        'DELETE FROM "feeds_entry";',
        'DELETE FROM "editions_pick";',
    ]
    assert connection.ops.sql_flush(no_style(), ["feeds_entry"], reset_sequences=True)[0].startswith("TRUNCATE")


def test_a_flush_leaves_no_row_in_any_table_even_across_foreign_keys(transactional_db, make_entry, editor) -> None:
    add_pick(make_issue(), make_entry("Picked"))
    make_subscribers(2)
    assert Pick.objects.exists() and Subscriber.objects.count() == 2
    call_command("flush", interactive=False, verbosity=0, inhibit_post_migrate=True)
    assert {label: n for label, n in row_counts().items() if n} == {}
