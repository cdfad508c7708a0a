"""What editions tells the apps above it about picks that bypass `post_save`.

`bulk_create` sends no model signals, so a pick added by *Add to issue* or the desk would stay
invisible to whatever indexes picks (search) until a rebuild. Receivers get the new picks' ids
inside the adding transaction.
"""

from __future__ import annotations

from django.dispatch import Signal

picks_added = Signal()  # sender: Pick, pick_ids: list[int]
