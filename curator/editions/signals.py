"""A pick removed by any path (inline delete, issue delete, remove_pick) releases its entry."""

from __future__ import annotations

from django.db.models.signals import post_delete
from django.dispatch import receiver

from curator.editions.models import Pick
from curator.editions.workflow import release_entries


@receiver(post_delete, sender=Pick, dispatch_uid="editions_release_entry")
def release_entry_of_deleted_pick(sender: type[Pick], instance: Pick, **kwargs: object) -> None:
    if instance.entry_id:
        release_entries([instance.entry_id])
