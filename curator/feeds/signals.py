"""Signals other apps listen to, so feeds never has to know who consumes its entries."""

import django.dispatch

# Sent after the transaction that stored new entries has committed, with ``entry_ids: list[int]``.
# Receivers may queue Celery tasks directly: the rows are visible to workers by then.
entries_created = django.dispatch.Signal()
