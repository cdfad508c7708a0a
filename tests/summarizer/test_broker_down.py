"""The draft actions with the broker unreachable: no 500, a true message, and each entry drafted
exactly once after the broker is back."""

from __future__ import annotations

from django.urls import reverse

from curator.outbox import handover
from summarizer.models import DecodingProfile, Draft

LATER = handover.QUEUED_LATER  # the admin message for work queued while the broker is down


def test_it_drafts_with_a_profile_once_the_broker_is_back(transactional_db, admin_client, make_entry, broker):
    entries = [make_entry("paper"), make_entry("post")]
    greedy = DecodingProfile.objects.get(name="Greedy")
    broker.down()
    selection = {"action": "draft_with_profile", "_selected_action": [e.pk for e in entries]}
    response = admin_client.post(
        reverse("admin:feeds_entry_changelist"), {**selection, "apply": "1", "profile": greedy.pk}, follow=True
    )
    assert response.status_code == 200
    assert f"Drafting 2 entries with profile “Greedy”. {LATER}" in response.content.decode()
    assert not Draft.objects.exists()
    broker.recover()
    assert sorted(Draft.objects.filter(profile=greedy).values_list("entry", flat=True)) == [e.pk for e in entries]


def test_it_drafts_one_entry_again_once_the_broker_is_back(transactional_db, admin_client, make_entry, broker):
    entry = make_entry("post")
    contrastive = DecodingProfile.objects.get(name="Contrastive")
    broker.down()
    response = admin_client.post(
        reverse("admin:feeds_entry_draft_again", args=[entry.pk]), {"draft_profile": contrastive.pk}, follow=True
    )
    assert response.status_code == 200
    assert LATER in response.content.decode()
    broker.recover()
    assert list(Draft.objects.values_list("entry", "profile")) == [(entry.pk, contrastive.pk)]
