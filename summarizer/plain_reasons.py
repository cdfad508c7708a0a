"""Why a draft is an extract, in words an editor can act on.

The recorded reasons are written for operators ("SUMMARIZER_MODEL is not set", a loader's exception):
exact, and what the logs and the draft command print. Editors cannot change settings, so pages they
use say what happened in plain words and keep the operator's wording in a tooltip.
"""

from __future__ import annotations

NOT_SET_UP = "no drafting model is set up yet (an operator setting)"
UNAVAILABLE = "the drafting model could not be used this time"


def for_editors(reason: str) -> str:
    """Plain words for a fallback reason; "" for no reason."""
    if not reason.strip():
        return ""
    if reason.rstrip(".").endswith("is not set"):
        return NOT_SET_UP
    return UNAVAILABLE
