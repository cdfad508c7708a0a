import pytest
from django.core.exceptions import ValidationError

from summarizer import decoding
from summarizer.models import DecodingProfile
from summarizer.presets import PRESETS


def errors_for(**values):
    return decoding.validate({"strategy": "greedy", **values})


@pytest.mark.parametrize(
    ("values", "field", "fragment"),
    [
        ({"strategy": "top_p", "top_p": 0.9, "temperature": 0}, "temperature", "must be above 0"),
        ({"strategy": "top_p", "top_p": 0.9, "temperature": -1.0}, "temperature", "must be above 0"),
        ({"strategy": "top_p", "top_p": 1.5}, "top_p", "at most 1"),
        ({"strategy": "top_p", "top_p": 0.0}, "top_p", "above 0"),
        ({"strategy": "top_p"}, "top_p", "needs top-p"),
        ({"strategy": "top_k"}, "top_k", "needs top-k"),
        ({"strategy": "greedy", "top_k": 50}, "top_k", "only applies"),
        ({"strategy": "greedy", "temperature": 0.7}, "temperature", "only applies to sampling"),
        ({"strategy": "beam", "num_beams": 4, "top_p": 0.9}, "top_p", "only applies to sampling"),
        ({"strategy": "beam", "num_beams": 1}, "num_beams", "between 2"),
        ({"strategy": "beam", "num_beams": 2, "num_return_sequences": 3}, "num_return_sequences", "more drafts"),
        ({"strategy": "greedy", "num_beams": 4}, "num_beams", "only apply to beam search"),
        ({"strategy": "greedy", "length_penalty": 2.0}, "length_penalty", "only applies to beam search"),
        ({"strategy": "greedy", "num_return_sequences": 3}, "num_return_sequences", "same text"),
        ({"strategy": "greedy", "min_new_tokens": 50, "max_new_tokens": 20}, "min_new_tokens", "above max"),
        ({"strategy": "greedy", "max_new_tokens": 0}, "max_new_tokens", "at least 1"),
        ({"strategy": "contrastive", "top_k": 4}, "penalty_alpha", "needs a degeneration penalty"),
        ({"strategy": "contrastive", "penalty_alpha": 0.6, "top_k": 1}, "top_k", "at least 2"),
        ({"strategy": "top_k", "top_k": 50, "penalty_alpha": 0.6}, "penalty_alpha", "only applies to contrastive"),
        ({"strategy": "greedy", "repetition_penalty": 0}, "repetition_penalty", "above 0"),
        ({"strategy": "nonsense"}, "strategy", "Unknown strategy"),
        ({"strategy": "greedy", "stop": "a|b|c|d|e"}, "stop", "At most 4 stop sequences"),
    ],
)
def test_it_rejects_incoherent_combinations_with_a_clear_message(values, field, fragment):
    errors = decoding.validate(values)
    assert field in errors, errors
    assert any(fragment in message for message in errors[field]), errors[field]


def test_it_accepts_every_shipped_preset():
    for preset in PRESETS:
        assert decoding.validate(preset) == {}, preset["name"]


@pytest.mark.django_db
def test_it_runs_the_same_rules_in_model_clean():
    profile = DecodingProfile(name="Too hot", strategy="top_p", top_p=1.2, temperature=0)
    with pytest.raises(ValidationError) as caught:
        profile.full_clean()
    assert set(caught.value.message_dict) == {"top_p", "temperature"}


def test_it_builds_a_generation_config_with_every_knob_explicit():
    config = decoding.to_generation_config(
        decoding.check(
            {"strategy": "beam", "num_beams": 4, "no_repeat_ngram_size": 3, "length_penalty": 1.5, "max_new_tokens": 80}
        )
    )
    assert config.num_beams == 4
    assert config.do_sample is False
    assert config.no_repeat_ngram_size == 3
    assert config.length_penalty == 1.5
    assert config.max_new_tokens == 80
    # A checkpoint's own defaults (e.g. BART's min_length 56) must not sneak in.
    assert config.min_length == 0
    with_min = decoding.to_generation_config(decoding.check({"strategy": "greedy", "min_new_tokens": 20}))
    assert with_min.min_new_tokens == 20


def test_it_disables_the_hidden_top_k_for_nucleus_sampling():
    config = decoding.to_generation_config(
        decoding.check({"strategy": "top_p", "top_p": 0.9, "temperature": 0.7, "seed": 1})
    )
    assert config.do_sample is True
    assert config.top_p == 0.9
    assert config.top_k == 0
    assert config.temperature == 0.7


def test_it_maps_contrastive_search_to_top_k_and_penalty_alpha():
    config = decoding.to_generation_config(
        decoding.check({"strategy": "contrastive", "top_k": 4, "penalty_alpha": 0.6})
    )
    assert (config.top_k, config.penalty_alpha, config.do_sample) == (4, 0.6, False)


@pytest.mark.django_db
def test_it_ships_presets_with_exactly_one_default():
    names = set(DecodingProfile.objects.values_list("name", flat=True))
    assert {p["name"] for p in PRESETS} <= names
    default = DecodingProfile.objects.get(is_default=True)
    assert default.strategy == "beam"
    assert default.no_repeat_ngram_size == 3


@pytest.mark.django_db
def test_it_keeps_exactly_one_default_when_another_is_ticked():
    greedy = DecodingProfile.objects.get(name="Greedy")
    greedy.is_default = True
    greedy.save()
    assert list(DecodingProfile.objects.filter(is_default=True)) == [greedy]
    assert DecodingProfile.default() == greedy


@pytest.mark.django_db
def test_it_refuses_to_untick_the_only_default():
    default = DecodingProfile.objects.get(is_default=True)
    default.is_default = False
    with pytest.raises(ValidationError) as caught:
        default.full_clean()
    assert "make another profile the default" in str(caught.value)


@pytest.mark.django_db
def test_it_recreates_a_default_profile_when_all_were_deleted():
    DecodingProfile.objects.all().delete()
    profile = DecodingProfile.default()
    assert profile.is_default
    assert profile.strategy == "beam"


def test_it_checks_once_into_frozen_settings_with_every_knob():
    import dataclasses

    knobs = decoding.check({"strategy": "greedy"})
    assert list(knobs.as_dict()) == list(decoding.KNOBS)
    with pytest.raises(dataclasses.FrozenInstanceError):
        knobs.seed = 3


@pytest.mark.django_db
def test_it_resolves_a_deleted_or_missing_profile_to_the_default():
    default = DecodingProfile.default()
    assert DecodingProfile.chosen_or_default(None) == default
    assert DecodingProfile.chosen_or_default(10**9) == default
    greedy = DecodingProfile.objects.get(name="Greedy")
    assert DecodingProfile.chosen_or_default(greedy.pk) == greedy


def test_it_reads_stop_sequences_separated_by_bars_with_escaped_line_breaks():
    assert decoding.stop_sequences(r"\n\n | Keywords: |  |References") == ["\n\n", "Keywords:", "References"]
    assert decoding.stop_sequences("") == [] and decoding.stop_sequences(None) == []
    knobs = decoding.check({"strategy": "greedy", "stop": r"\n\n|Keywords:"})
    assert decoding.generation_kwargs(knobs)["stop_strings"] == ["\n\n", "Keywords:"]
    assert "stop_strings" not in decoding.generation_kwargs(decoding.check({"strategy": "greedy"}))
    assert decoding.cut_at_stop("One. Keywords: x\n\nTwo.", ["\n\n", "Keywords:"]) == "One. "
