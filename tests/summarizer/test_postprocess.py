from summarizer.postprocess import clean


def test_it_normalizes_whitespace():
    assert clean("  A model\n\n reads   long   text.\t") == "A model reads long text."


def test_it_drops_an_unfinished_trailing_sentence():
    assert clean("The method is fast. It also scales to long inputs and") == "The method is fast."


def test_it_keeps_a_lone_unfinished_sentence_rather_than_nothing():
    assert clean("The method is fast and") == "The method is fast and"


def test_it_removes_repeated_sentences():
    text = "The method is fast. It scales well. The method is fast. The  method is FAST! It uses less memory."
    assert clean(text) == "The method is fast. It scales well. It uses less memory."


def test_it_does_not_split_after_abbreviations():
    text = "It beats baselines, e.g. Longformer and BigBird. It is simple."
    assert clean(text) == text


def test_it_removes_control_characters_that_postgresql_would_refuse():
    # Random or badly tuned models can decode to NUL and other C0 controls.
    assert clean("Sparse\x00 attention\x07 helps.\x1f\tIt scales.") == "Sparse attention helps. It scales."
