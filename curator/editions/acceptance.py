"""When an issue starts sending, judge every pick's final blurb against its entry's drafts.

Runs after the sending transition commits (content is frozen from then on) and never holds up
the send: a failure here is logged, and calling it again for the same issue just updates the rows.
"""

from __future__ import annotations

from curator.editions.models import Pick
from summarizer.acceptance import FinalText, record_outcomes


def pick_key(pick_id: int) -> str:
    return f"pick:{pick_id}"


def record_issue_acceptance(issue_id: int) -> int:
    """Returns how many picks were judged (picks with an entry that has at least one draft)."""
    picks = Pick.objects.filter(issue_id=issue_id, entry__isnull=False).values_list("pk", "entry_id", "blurb")
    return len(record_outcomes(FinalText(pick_key(pk), entry_id, blurb) for pk, entry_id, blurb in picks))
