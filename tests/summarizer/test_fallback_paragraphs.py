"""The extractive fallback reads a body paragraph by paragraph: subheadings are not sentences."""

from __future__ import annotations

from summarizer import fallback

BODY = (
    "Loss spikes were the first thing we saw in every run.\n\n"
    "What we would do differently\n\n"
    "Delayed scaling factors drifted badly after warmup ended.\n\n"
    "Final validation loss matched our baselines to within 0.3 percent."
)


def test_subheadings_are_left_out_of_the_candidates():
    assert fallback.candidate_sentences(BODY) == [
        "Loss spikes were the first thing we saw in every run.",
        "Delayed scaling factors drifted badly after warmup ended.",
        "Final validation loss matched our baselines to within 0.3 percent.",
    ]
    extract = fallback.summarize(BODY, use_embeddings=False).text
    assert "differently" not in extract and extract.startswith("Loss spikes")


def test_text_without_any_punctuation_is_still_read():
    """Nothing but short unpunctuated lines: they are all there is, so they stay candidates."""
    text = "Release notes for version two\n\nFaster sync across all devices"
    assert fallback.candidate_sentences(text) == ["Release notes for version two", "Faster sync across all devices"]


def test_one_paragraph_splits_into_sentences_as_before():
    text = "Models stop at a budget. They do not stop at a full stop. Editors fix neither by hand."
    assert fallback.candidate_sentences(text) == [
        "Models stop at a budget.",
        "They do not stop at a full stop.",
        "Editors fix neither by hand.",
    ]
