"""Which engine drafts, and what each decoding knob becomes on it.

A knob the configured backend cannot honour is refused with a message naming the knob and the
backend, when a profile is saved and again when it is used: an editor who sets a knob believes it
does something, so silently dropping it would be worse than refusing.

On the `openai` backend a profile becomes chat-completions request parameters. The OpenAI API has
no beam search, contrastive search, typical-p, no-repeat n-grams or minimum length; top-k,
repetition penalty and minimum tokens exist on many servers (vLLM, TGI, llama.cpp) as extra request
fields, and are sent only when the operator lists them in SUMMARIZER_API_EXTRA_KNOBS, because a
server that does not know them answers 422 (`transformers serve` does).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.conf import settings

from summarizer import decoding

TRANSFORMERS = "transformers"
OPENAI = "openai"
EXTRA_KNOBS = ("top_k", "repetition_penalty", "min_new_tokens")


def configured() -> str:
    return settings.SUMMARIZER_BACKEND


def label(backend: str | None = None) -> str:
    """How the backend is named to editors: the server's kind and address, or the in-worker engine."""
    backend = backend or configured()
    if backend == OPENAI:
        return f"OpenAI-compatible server ({settings.SUMMARIZER_API_BASE or 'no address set'})"
    return "transformers (in the worker)"


def configured_model(backend: str | None = None) -> str:
    backend = backend or configured()
    if backend == OPENAI:
        return (settings.SUMMARIZER_API_MODEL or "").strip()
    return (settings.SUMMARIZER_MODEL or "").strip()


def server_beside_worker() -> str:
    """The server's model name when a server is configured beside the worker's model, else "".

    The playground can then run the server's model as one more column, to compare it with the model
    the workers load before switching SUMMARIZER_BACKEND. With the openai backend every column is
    already drafted on the server, so there is no separate column.
    """
    if configured() == OPENAI or not settings.SUMMARIZER_API_BASE.strip():
        return ""
    return configured_model(OPENAI)


def refusals(values: Mapping[str, Any], backend: str | None = None) -> dict[str, list[str]]:
    """Per field, why the backend cannot honour this knob (empty when every knob maps)."""
    backend = backend or configured()
    if backend != OPENAI:
        return {}
    p = decoding.normalize(values)
    extras = set(settings.SUMMARIZER_API_EXTRA_KNOBS)
    errors: dict[str, list[str]] = {}

    def refuse(field: str, knob: str, hint: str = "") -> None:
        message = f"The {knob} cannot be used with the openai backend (an OpenAI-compatible server)."
        errors.setdefault(field, []).append(f"{message} {hint}".strip())

    if p["strategy"] == decoding.BEAM:
        refuse("strategy", "beam search strategy", "Choose greedy or a sampling strategy.")
    if p["strategy"] == decoding.CONTRASTIVE:
        refuse("strategy", "contrastive search strategy", "Choose greedy or a sampling strategy.")
    if p["typical_p"] is not None:
        refuse("typical_p", "typical-p knob")
    if p["no_repeat_ngram_size"]:
        refuse("no_repeat_ngram_size", "no-repeat n-gram knob", "Set it to 0.")
    if p["strategy"] == decoding.TOP_K and "top_k" not in extras:
        refuse("top_k", "top-k knob", "Add top_k to SUMMARIZER_API_EXTRA_KNOBS if the server accepts it.")
    if p["repetition_penalty"] not in (None, 1.0) and "repetition_penalty" not in extras:
        refuse(
            "repetition_penalty",
            "repetition penalty knob",
            "Set it to 1.0, or add repetition_penalty to SUMMARIZER_API_EXTRA_KNOBS if the server accepts it.",
        )
    if p["min_new_tokens"] and "min_new_tokens" not in extras:
        refuse(
            "min_new_tokens",
            "min new tokens knob",
            "Set it to 0, or add min_new_tokens to SUMMARIZER_API_EXTRA_KNOBS if the server accepts it.",
        )
    return errors


def refusal_line(values: Mapping[str, Any], backend: str | None = None) -> str:
    """All refusals as one line (the reason on a fallback draft), or empty."""
    return " ".join(message for messages in refusals(values, backend).values() for message in messages)


def request_parameters(knobs: decoding.Knobs, seed: int | None) -> dict[str, Any]:
    """Chat-completions parameters for one draft of checked, not refused settings.

    Greedy is temperature 0. Several drafts per entry are separate requests (seed, seed + 1, ...),
    because some servers return one choice whatever `n` says.
    """
    params: dict[str, Any] = {"max_tokens": knobs.max_new_tokens}
    extra: dict[str, Any] = {}
    if knobs.sampling:
        params["temperature"] = knobs.temperature
        if knobs.strategy == decoding.TOP_P:
            params["top_p"] = knobs.top_p
        if knobs.strategy == decoding.TOP_K:
            extra["top_k"] = knobs.top_k
    else:
        params["temperature"] = 0.0
    if seed is not None:
        params["seed"] = seed
    if knobs.stop_sequences:
        params["stop"] = knobs.stop_sequences
    if knobs.repetition_penalty != 1.0:
        extra["repetition_penalty"] = knobs.repetition_penalty
    if knobs.min_new_tokens:
        extra["min_tokens"] = knobs.min_new_tokens
    if extra:
        params["extra_body"] = extra
    return params
