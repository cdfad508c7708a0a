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


def test_japanese_sentences_are_split_at_their_full_stops():
    """No spaces and full-width marks: without the split the whole text was one cut-off "sentence"."""
    text = (
        "小さな言語モデルは大きなモデルよりも事実を作り出すことが多い。私たちは七つのモデルを評価した。\n\n"
        "結果\n\n"
        "誤り率は三十億パラメータ未満で急に上がる。小さなモデルは「わからない」と答えることが少ない。"
    )
    assert fallback.candidate_sentences(text) == [
        "小さな言語モデルは大きなモデルよりも事実を作り出すことが多い。",
        "私たちは七つのモデルを評価した。",
        "誤り率は三十億パラメータ未満で急に上がる。",
        "小さなモデルは「わからない」と答えることが少ない。",
    ]
    extract = fallback.summarize(text, use_embeddings=False).text
    assert extract.endswith("。") and "結果" not in extract
