"""New entries while the broker is unreachable: their embedding waits in the outbox and runs once the
broker is back (before, the receiver's `.delay()` failed, the error was logged, and the entries stayed
unranked until someone ran `manage.py rank`)."""

from __future__ import annotations

import pytest

from curator.feeds.models import Entry
from curator.feeds.signals import entries_created
from curator.outbox import handover
from curator.outbox.models import OutboxMessage
from curator.ranking.models import Embedding
from curator.ranking.tasks import embed_entries

pytestmark = pytest.mark.django_db(transaction=True)


def test_it_embeds_a_new_entry_once_the_broker_is_back(make_entry, broker):
    entry = make_entry("Paged attention for serving")
    broker.down()
    entries_created.send(sender=Entry, entry_ids=[entry.pk])  # what ingest sends once its entries are committed
    waiting = OutboxMessage.objects.get(task=embed_entries.name)
    assert waiting.args == [[entry.pk]] and waiting.handed_over_at is None
    assert not Embedding.objects.exists()

    broker.up()
    assert handover.sweep().waiting == 0
    assert waiting.task_id in broker.run_queued()
    assert Embedding.objects.filter(entry=entry).count() == 1
    assert handover.sweep().handed_over == 0 and broker.run_queued() == []  # handed over once, run once
