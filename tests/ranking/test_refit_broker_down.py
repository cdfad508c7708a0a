"""Triage decisions with the broker unreachable: the decision succeeds, the refit waits in the outbox and
runs once when the broker is back (before, the first decision of a burst answered 500 and left the refit
request pending with no task to clear it, so the ranking never learned again)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from curator.feeds.models import Entry, Source
from curator.outbox import handover
from curator.outbox.models import OutboxMessage
from curator.ranking.models import RefitRequest, RelevanceModel
from curator.ranking.tasks import refit_model

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def entries():
    source = Source.objects.create(name="Lab blog", url="https://lab.example.org/feed")
    return [
        Entry.objects.create(source=source, guid=f"g{n}", url=f"https://lab.example.org/{n}", title=f"Entry {n}")
        for n in range(3)
    ]


def test_a_desk_decision_with_the_broker_down_queues_one_refit_for_later(admin_client, entries, broker):
    broker.down()
    for entry in entries:
        answer = admin_client.post(
            reverse("admin:feeds_entry_desk_decide", args=[entry.pk]), {"action": "reject", "seen": "new"}
        )
        assert answer.status_code == 200, answer.content
    assert set(Entry.objects.values_list("triage", flat=True)) == {Entry.Triage.REJECTED}
    waiting = OutboxMessage.objects.filter(task=refit_model.name, handed_over_at__isnull=True)
    assert waiting.count() == 1 and RefitRequest.objects.get().pending

    broker.up()
    assert handover.sweep().waiting == 0
    assert len(broker.run_queued()) == 1
    assert not RefitRequest.objects.get().pending
    assert RelevanceModel.objects.count() == 1  # one fit for the burst (cold start: no positives yet)


def test_the_bulk_reject_action_with_the_broker_down_answers_and_keeps_the_refit(admin_client, entries, broker):
    broker.down()
    response = admin_client.post(
        reverse("admin:feeds_entry_changelist"),
        {"action": "reject_entries", "_selected_action": [e.pk for e in entries]},
        follow=True,
    )
    assert response.status_code == 200
    assert OutboxMessage.objects.filter(task=refit_model.name, handed_over_at__isnull=True).count() == 1
