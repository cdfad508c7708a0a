"""Decoding profiles as plain parameter dicts: validation and the transformers `GenerationConfig`.

Everything here works on a dict of knob values rather than on a model instance, so the admin
form, the playground (unsaved tweaks) and the frozen copy stored on every Draft share one set of
rules. Validation is strategy-aware: a knob that the chosen strategy would silently ignore is an
error, because an editor who sets it believes it does something.

`check` is the boundary: it validates once and returns a frozen `Knobs`, which the engine and
`generation_kwargs` trust without checking again.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError

GREEDY = "greedy"
BEAM = "beam"
TOP_K = "top_k"
TOP_P = "top_p"
TEMPERATURE = "temperature"
CONTRASTIVE = "contrastive"
STRATEGIES = (GREEDY, BEAM, TOP_K, TOP_P, TEMPERATURE, CONTRASTIVE)
SAMPLING = (TOP_K, TOP_P, TEMPERATURE)

# Every knob a profile carries, with the value meaning "not used".
KNOBS: dict[str, Any] = {
    "strategy": BEAM,
    "num_beams": 1,
    "num_return_sequences": 1,
    "temperature": 1.0,
    "top_k": None,
    "top_p": None,
    "typical_p": None,
    "penalty_alpha": None,
    "repetition_penalty": 1.0,
    "no_repeat_ngram_size": 0,
    "length_penalty": 1.0,
    "early_stopping": False,
    "min_new_tokens": 0,
    "max_new_tokens": 96,
    "seed": None,
    "stop": "",
}
MAX_NEW_TOKENS_LIMIT = 1024
MAX_STOP_SEQUENCES = 4  # what the OpenAI API accepts; servers refuse more
MAX_RETURN_SEQUENCES = 8
MAX_BEAMS = 16


def parameters_of(profile: Any) -> dict[str, Any]:
    """The knob values of a DecodingProfile (or anything with those attributes) as a plain dict."""
    return {name: getattr(profile, name, default) for name, default in KNOBS.items()}


def normalize(values: Mapping[str, Any]) -> dict[str, Any]:
    """Fill missing knobs with their neutral value; unknown keys are dropped."""
    return {name: values.get(name, default) for name, default in KNOBS.items()}


def stop_sequences(value: str | None) -> list[str]:
    """The texts a profile's `stop` knob names: separated by "|", with "\\n" written for a line break.

    One line of text in a form field cannot hold a line break, and "stop at the first blank line"
    ("\\n\\n") is the most useful stop sequence for a blurb, hence the escape.
    """
    pieces = (piece.strip(" ") for piece in (value or "").split("|"))
    return [piece.replace("\\n", "\n") for piece in pieces if piece.strip()]


def validate(values: Mapping[str, Any]) -> dict[str, list[str]]:
    """Errors per field (empty when coherent). Messages are written for editors, not for engineers."""
    p = normalize(values)
    errors: dict[str, list[str]] = {}

    def err(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    strategy = p["strategy"]
    if strategy not in STRATEGIES:
        err("strategy", f"Unknown strategy {strategy!r}; choose one of {', '.join(STRATEGIES)}.")
        return errors
    sampling = strategy in SAMPLING

    if p["max_new_tokens"] is None or p["max_new_tokens"] < 1:
        err("max_new_tokens", "Max new tokens must be at least 1.")
    elif p["max_new_tokens"] > MAX_NEW_TOKENS_LIMIT:
        err("max_new_tokens", f"Max new tokens above {MAX_NEW_TOKENS_LIMIT} makes no sense for a short blurb.")
    if p["min_new_tokens"] is not None and p["min_new_tokens"] < 0:
        err("min_new_tokens", "Min new tokens cannot be negative.")
    if p["max_new_tokens"] and p["min_new_tokens"] and p["min_new_tokens"] > p["max_new_tokens"]:
        err(
            "min_new_tokens",
            f"Min new tokens ({p['min_new_tokens']}) is above max new tokens ({p['max_new_tokens']}).",
        )
    if not 1 <= (p["num_return_sequences"] or 0) <= MAX_RETURN_SEQUENCES:
        err("num_return_sequences", f"Number of drafts must be between 1 and {MAX_RETURN_SEQUENCES}.")
    if p["repetition_penalty"] is None or p["repetition_penalty"] <= 0:
        err("repetition_penalty", "Repetition penalty must be above 0 (1.0 means no penalty).")
    if p["no_repeat_ngram_size"] is not None and p["no_repeat_ngram_size"] < 0:
        err("no_repeat_ngram_size", "No-repeat n-gram size cannot be negative (0 turns it off).")
    if p["temperature"] is None or p["temperature"] <= 0:
        err("temperature", "Temperature must be above 0; for deterministic output choose the greedy strategy.")
    elif not sampling and p["temperature"] != 1.0:
        err("temperature", "Temperature only applies to sampling strategies; leave it at 1.0 or choose a sampling one.")
    if p["seed"] is not None and p["seed"] < 0:
        err("seed", "Seed must be a non-negative whole number.")
    if len(stop_sequences(p["stop"])) > MAX_STOP_SEQUENCES:
        err("stop", f"At most {MAX_STOP_SEQUENCES} stop sequences (servers refuse more).")

    # Beam-only knobs.
    if strategy == BEAM:
        if not 2 <= (p["num_beams"] or 0) <= MAX_BEAMS:
            err("num_beams", f"Beam search needs between 2 and {MAX_BEAMS} beams.")
        elif p["num_return_sequences"] and p["num_return_sequences"] > p["num_beams"]:
            err("num_return_sequences", "Beam search cannot return more drafts than it has beams.")
    else:
        if p["num_beams"] != 1:
            err("num_beams", "Beams only apply to beam search; leave it at 1 for this strategy.")
        if p["length_penalty"] != 1.0:
            err("length_penalty", "Length penalty only applies to beam search; leave it at 1.0.")
        if p["early_stopping"]:
            err("early_stopping", "Early stopping only applies to beam search.")

    # Sampling knobs.
    top_k, top_p, typical_p = p["top_k"], p["top_p"], p["typical_p"]
    if top_p is not None and not 0 < top_p <= 1:
        err("top_p", "Top-p must be above 0 and at most 1 (for example 0.9).")
    if typical_p is not None and not 0 < typical_p <= 1:
        err("typical_p", "Typical-p must be above 0 and at most 1.")
    if top_k is not None and top_k < 1:
        err("top_k", "Top-k must be at least 1.")
    if not sampling:
        if typical_p is not None:
            err("typical_p", "Typical-p only applies to sampling strategies.")
        if top_p is not None:
            err("top_p", "Top-p only applies to sampling strategies.")
        if top_k is not None and strategy != CONTRASTIVE:
            err("top_k", "Top-k only applies to top-k sampling and contrastive search.")
    if strategy == TOP_K:
        if top_k is None:
            err("top_k", "Top-k sampling needs top-k (for example 50).")
        if top_p is not None:
            err("top_p", "Top-k sampling does not use top-p; choose nucleus sampling instead.")
    if strategy == TOP_P:
        if top_p is None:
            err("top_p", "Nucleus sampling needs top-p (for example 0.9).")
        if top_k is not None:
            err("top_k", "Nucleus sampling does not use top-k; choose top-k sampling instead.")
    if strategy == TEMPERATURE and (top_k is not None or top_p is not None):
        err("strategy", "Temperature sampling draws from the whole vocabulary; use top-k or nucleus to cut it.")
    if strategy in (GREEDY, CONTRASTIVE) and p["num_return_sequences"] != 1:
        err("num_return_sequences", "This strategy always produces the same text: ask for 1 draft.")

    # Contrastive search.
    alpha = p["penalty_alpha"]
    if strategy == CONTRASTIVE:
        if alpha is None or not 0 < alpha <= 1:
            err("penalty_alpha", "Contrastive search needs a degeneration penalty above 0 and at most 1 (e.g. 0.6).")
        if top_k is None or top_k < 2:
            err("top_k", "Contrastive search needs top-k of at least 2 candidates (e.g. 4).")
    elif alpha is not None:
        err("penalty_alpha", "The degeneration penalty only applies to contrastive search.")
    return errors


@dataclasses.dataclass(frozen=True)
class Knobs:
    """Knob values that passed `validate`; only `check` should build one, so holders need not re-check."""

    strategy: str
    num_beams: int
    num_return_sequences: int
    temperature: float
    top_k: int | None
    top_p: float | None
    typical_p: float | None
    penalty_alpha: float | None
    repetition_penalty: float
    no_repeat_ngram_size: int | None
    length_penalty: float
    early_stopping: bool
    min_new_tokens: int | None
    max_new_tokens: int
    seed: int | None
    stop: str = ""

    @property
    def stop_sequences(self) -> list[str]:
        return stop_sequences(self.stop)

    @property
    def sampling(self) -> bool:
        return self.strategy in SAMPLING

    @property
    def one_entry_at_a_time(self) -> bool:
        """Sampling and contrastive search: a batch neighbour must not change an entry's text."""
        return self.sampling or self.strategy == CONTRASTIVE

    def as_dict(self) -> dict[str, Any]:
        """The knob values in KNOBS order: the frozen copy stored on drafts and playground runs."""
        return dataclasses.asdict(self)


def check(values: Mapping[str, Any]) -> Knobs:
    """Validated settings, or a ValidationError carrying every problem at once."""
    errors = validate(values)
    if errors:
        raise ValidationError(errors)
    return Knobs(**normalize(values))


def generation_kwargs(knobs: Knobs) -> dict[str, Any]:
    """The `GenerationConfig` arguments for checked settings.

    transformers 5 fills every unset (None) field from the checkpoint's own generation_config, so
    a BART checkpoint would quietly add its min_length 56 and 4 beams. Every knob we control is
    therefore set explicitly, including the neutral values.
    """
    p = knobs.as_dict()
    strategy = p["strategy"]
    sampling = strategy in SAMPLING
    kwargs: dict[str, Any] = {
        "do_sample": sampling,
        "num_beams": p["num_beams"] if strategy == BEAM else 1,
        "num_return_sequences": p["num_return_sequences"],
        "temperature": p["temperature"] if sampling else 1.0,
        # top_k defaults to 50 inside transformers; 0 disables it for sampling strategies that must not
        # cut. Deterministic strategies never look at it (and transformers warns if it is set).
        "top_k": p["top_k"] if strategy in (TOP_K, CONTRASTIVE) else (0 if sampling else None),
        "top_p": p["top_p"] if strategy == TOP_P else 1.0,
        "typical_p": p["typical_p"] if (sampling and p["typical_p"] is not None) else 1.0,
        "repetition_penalty": p["repetition_penalty"],
        "no_repeat_ngram_size": p["no_repeat_ngram_size"],
        "length_penalty": p["length_penalty"] if strategy == BEAM else 1.0,
        "early_stopping": p["early_stopping"] if strategy == BEAM else False,
        "max_new_tokens": p["max_new_tokens"],
    }
    # min_new_tokens overrides a checkpoint's min_length; without it, min_length must be zeroed explicitly.
    if p["min_new_tokens"]:
        kwargs["min_new_tokens"] = p["min_new_tokens"]
    else:
        kwargs["min_length"] = 0
    if strategy == CONTRASTIVE:
        kwargs["penalty_alpha"] = p["penalty_alpha"]
    if knobs.stop_sequences:
        kwargs["stop_strings"] = knobs.stop_sequences  # `generate` then needs the tokenizer too
    return kwargs


def cut_at_stop(text: str, stops: list[str]) -> str:
    """The text before the first stop sequence, which is left out, as OpenAI-compatible servers do."""
    cut = min((i for i in (text.find(stop) for stop in stops) if i >= 0), default=len(text))
    return text[:cut]


def to_generation_config(knobs: Knobs) -> Any:
    from transformers import GenerationConfig

    return GenerationConfig(**generation_kwargs(knobs))
