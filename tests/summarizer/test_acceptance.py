"""Acceptance: the closest draft to a final text, and how much the editor changed it."""

import pytest

from summarizer import acceptance
from summarizer.acceptance import FinalText, closest_draft, record_outcomes, similarity, verdict
from summarizer.models import Draft, DraftOutcome

DRAFT = (
    "The authors route each token to two experts and show that a gentle load-balancing loss keeps "
    "every expert busy without hurting perplexity on long documents."
)
TYPO_FIXED = DRAFT.replace("perplexity", "perplexity,").replace("busy", "busy ")
LIGHTLY_EDITED = (
    "The authors route each token to two experts and show that a gentle balancing loss keeps every "
    "expert busy. Perplexity on long documents does not suffer, which surprised us."
)
REWRITTEN = "A mixture-of-experts paper: routing tweaks, a new loss, and benchmarks we found unconvincing."


@pytest.mark.parametrize(
    ("final", "expected"),
    [
        (DRAFT, "as_is"),
        (TYPO_FIXED, "as_is"),
        ("  " + DRAFT.replace(" ", "\n  ", 3) + "\n", "as_is"),  # reflowed, not edited
        (LIGHTLY_EDITED, "light"),
        (REWRITTEN, "rewritten"),
    ],
)
def test_it_classifies_known_draft_and_blurb_pairs(final, expected):
    assert verdict(similarity(DRAFT, final)) == expected


def test_it_uses_the_documented_thresholds():
    assert verdict(0.95) == "as_is" and verdict(0.9499) == "light"
    assert verdict(0.6) == "light" and verdict(0.5999) == "rewritten"
    assert similarity(DRAFT, DRAFT) == 1.0
    assert similarity("", "") == 1.0
    assert acceptance.AS_IS == 0.95 and acceptance.LIGHT == 0.6


def test_it_finds_the_draft_the_blurb_came_from(make_entry):
    entry = make_entry("paper")
    other = Draft.objects.create(entry=entry, text=REWRITTEN, engine="model", profile_name="Sampling")
    source = Draft.objects.create(entry=entry, text=DRAFT, engine="model", profile_name="Beam")
    match = closest_draft([other, source], LIGHTLY_EDITED)
    assert match.draft == source and match.verdict == "light"
    assert closest_draft([], DRAFT) is None


def test_it_records_one_outcome_per_key_and_updates_it(make_entry):
    entry = make_entry("paper")
    draft = Draft.objects.create(entry=entry, text=DRAFT, engine="model", profile_name="Beam", model_id="tiny-t5")
    record_outcomes([FinalText("pick:1", entry.pk, DRAFT)])
    record_outcomes([FinalText("pick:1", entry.pk, REWRITTEN)])
    outcome = DraftOutcome.objects.get()
    assert (outcome.key, outcome.draft, outcome.verdict) == ("pick:1", draft, "rewritten")
    assert (outcome.profile_name, outcome.model_id) == ("Beam", "tiny-t5")


def test_it_records_nothing_for_an_entry_without_drafts_or_an_empty_blurb(make_entry):
    drafted, bare = make_entry("paper"), make_entry("post")
    Draft.objects.create(entry=drafted, text=DRAFT, engine="model")
    assert record_outcomes([FinalText("pick:1", bare.pk, DRAFT), FinalText("pick:2", drafted.pk, "  ")]) == []
    assert not DraftOutcome.objects.exists()
