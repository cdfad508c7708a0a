"""Profile parameters reach `generate`: checked on what the tiny models actually produce."""

import pytest

from summarizer import engine
from summarizer.decoding import check
from tests.support.sample_texts import SAMPLE, SOURCES


def ids_of(loaded, params, seed=None, source=SOURCES[0]):
    encoded = engine.encode(loaded, source, params.get("max_new_tokens", 96))
    return engine.generate_ids(loaded, [encoded], check(params), seed=seed)


@pytest.mark.parametrize("kind", ["seq2seq", "causal"])
def test_it_is_deterministic_with_greedy(use_model, kind):
    use_model(kind)
    loaded = engine.load()
    params = {"strategy": "greedy", "max_new_tokens": 12, "min_new_tokens": 12}
    first = engine.generate(loaded, SOURCES, check(params))
    second = engine.generate(loaded, SOURCES, check(params))
    assert [o[0].raw for o in first] == [o[0].raw for o in second]
    assert all(o[0].tokens_out == 12 for o in first)


@pytest.mark.parametrize("kind", ["seq2seq", "causal"])
def test_it_reproduces_a_sample_with_the_same_seed(use_model, kind):
    use_model(kind)
    loaded = engine.load()
    assert ids_of(loaded, SAMPLE, seed=1234) == ids_of(loaded, SAMPLE, seed=1234)


@pytest.mark.parametrize("kind", ["seq2seq", "causal"])
def test_it_samples_differently_with_different_seeds(use_model, kind):
    use_model(kind)
    loaded = engine.load()
    samples = {tuple(ids_of(loaded, SAMPLE, seed=seed)[0]) for seed in (1, 2, 3)}
    assert len(samples) > 1


def test_it_gives_an_entry_the_same_sample_whatever_shares_its_batch(use_model):
    use_model("seq2seq")
    loaded = engine.load()
    params = {**SAMPLE, "seed": 99}
    alone = engine.generate(loaded, SOURCES[:1], check(params))[0][0].raw
    together = engine.generate(loaded, SOURCES, check(params))[0][0].raw
    assert alone == together


@pytest.mark.parametrize("kind", ["seq2seq", "causal"])
def test_it_respects_min_and_max_new_tokens(use_model, kind):
    use_model(kind)
    loaded = engine.load()
    exact = engine.generate(loaded, SOURCES, check({"strategy": "greedy", "min_new_tokens": 9, "max_new_tokens": 9}))
    assert [o[0].tokens_out for o in exact] == [9, 9, 9]
    capped = engine.generate(loaded, SOURCES, check({"strategy": "beam", "num_beams": 3, "max_new_tokens": 5}))
    assert all(o[0].tokens_out <= 5 for o in capped)


@pytest.mark.parametrize("kind", ["seq2seq", "causal"])
def test_it_returns_as_many_sequences_as_asked(use_model, kind):
    use_model(kind)
    loaded = engine.load()
    beams = engine.generate(
        loaded, SOURCES, check({"strategy": "beam", "num_beams": 4, "num_return_sequences": 3, "max_new_tokens": 8})
    )
    assert [len(outputs) for outputs in beams] == [3, 3, 3]
    sampled = engine.generate(loaded, SOURCES[:1], check({**SAMPLE, "num_return_sequences": 2, "seed": 5}))
    assert len(sampled[0]) == 2


def test_it_applies_no_repeat_ngram_size(use_model):
    use_model("seq2seq")
    loaded = engine.load()
    base = {"strategy": "greedy", "min_new_tokens": 20, "max_new_tokens": 20}
    free = ids_of(loaded, base)[0]
    blocked = ids_of(loaded, {**base, "no_repeat_ngram_size": 1})[0]
    assert len(set(free)) < len(free), "the random model should loop without the constraint"
    assert len(set(blocked)) == len(blocked)


@pytest.mark.parametrize("kind", ["seq2seq", "causal"])
def test_it_runs_contrastive_search_offline_and_deterministically(use_model, kind):
    use_model(kind)
    loaded = engine.load()
    params = {"strategy": "contrastive", "top_k": 4, "penalty_alpha": 0.6, "min_new_tokens": 10, "max_new_tokens": 10}
    first = engine.generate(loaded, SOURCES[:2], check(params))
    again = engine.generate(loaded, SOURCES[:2], check(params))
    assert [o[0].raw for o in first] == [o[0].raw for o in again]
    assert all(o[0].tokens_out == 10 for o in first)
    greedy = engine.generate(
        loaded, SOURCES[:2], check({"strategy": "greedy", "min_new_tokens": 10, "max_new_tokens": 10})
    )
    assert [o[0].raw for o in first] != [o[0].raw for o in greedy]


def test_it_matches_unbatched_greedy_output_when_batching(use_model):
    use_model("seq2seq")
    loaded = engine.load()
    params = {"strategy": "greedy", "min_new_tokens": 10, "max_new_tokens": 10}
    batched = engine.generate(loaded, SOURCES, check(params), batch_size=3)
    single = engine.generate(loaded, SOURCES, check(params), batch_size=1)
    assert [o[0].raw for o in batched] == [o[0].raw for o in single]


@pytest.mark.parametrize("kind", ["seq2seq", "causal"])
def test_it_ends_the_draft_before_a_stop_sequence(use_model, kind):
    use_model(kind)
    loaded = engine.load()
    # Seeded sampling: varied text from random weights, and the same text up to wherever it is stopped.
    # min_new_tokens holds off the end token only, so only the stop sequence can end the second draft early.
    sampled = {"strategy": "temperature", "max_new_tokens": 24, "min_new_tokens": 24, "seed": 7}
    (whole,) = engine.generate(loaded, SOURCES[:1], check(sampled))[0]
    pieces = [loaded.tokenizer.decode([t]).strip() for t in whole.token_ids[8:16]]
    stop = next(p for p in pieces if p and whole.raw.find(p) > 0)  # first written in the middle of the draft
    (stopped,) = engine.generate(loaded, SOURCES[:1], check({**sampled, "stop": stop}))[0]
    assert stopped.raw == whole.raw[: whole.raw.index(stop)]
    assert whole.tokens_out == 24 and stopped.tokens_out < 24
