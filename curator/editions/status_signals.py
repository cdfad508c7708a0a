"""Told when an issue's status changes, so the apps above editions can follow without being imported.

`status_changed` is sent inside the transaction that changed the status (so a receiver's writes
commit or roll back with it), with `issue_id`, `previous` and `current` (status values).
mailing cancels a pending scheduled send when its issue leaves `ready`.
"""

from __future__ import annotations

from django.dispatch import Signal

status_changed = Signal()
