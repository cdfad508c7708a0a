import pytest

from curator.feeds.models import Entry
from curator.feeds.signals import entries_created
from curator.ranking import tasks
from curator.ranking.models import Embedding

pytestmark = pytest.mark.django_db


class BrokerError(Exception):
    pass


def test_it_never_breaks_ingest_when_the_broker_is_down(make_entry, monkeypatch):
    entry = make_entry("Paged attention for serving")

    def refuse(*args, **kwargs):
        raise BrokerError("Error 111 connecting to redis")

    monkeypatch.setattr(tasks.embed_entries, "delay", refuse)
    entries_created.send(sender=Entry, entry_ids=[entry.pk])  # must not raise
    assert not Embedding.objects.exists()  # `manage.py rank` embeds it later
