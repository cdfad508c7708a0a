"""Drafts from an OpenAI-compatible inference server (vLLM, TGI, Ollama, llama.cpp, `transformers serve`).

Each draft is one chat-completions request. A batch of entries keeps up to SUMMARIZER_API_CONCURRENCY
requests in flight, so a server with continuous batching works at its own speed. Every draft has a
hard deadline (SUMMARIZER_API_TIMEOUT) covering retries and waits: a 429 or 5xx is retried with
exponential backoff, honouring Retry-After when the server sends one, but never past the deadline.
A dead, slow or malformed server makes `DraftFailed` with the reason, which drafting turns into an
extract carrying that reason; it never hangs a worker and never crashes a task.

The API base is operator configuration, not user input, so the feed SSRF guard does not apply.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from django.conf import settings

from summarizer import backends, decoding, postprocess, prompts
from summarizer.engine import Output

BACKOFF_START = 0.5  # seconds before the first retry when the server gives no Retry-After
BACKOFF_CAP = 8.0


class DraftFailed(RuntimeError):
    """The server gave no usable draft before the deadline; the message is the fallback reason."""


_clients: dict[tuple[str, str], Any] = {}
_clients_lock = threading.Lock()


def _client() -> Any:
    """One client per (base, key) per process: it keeps a connection pool."""
    import openai

    base = settings.SUMMARIZER_API_BASE.strip()
    if not base:
        raise DraftFailed("SUMMARIZER_API_BASE is not set")
    key = settings.SUMMARIZER_API_KEY or "none"  # local servers want no key; the client insists on one
    with _clients_lock:
        client = _clients.get((base, key))
        if client is None:
            client = openai.OpenAI(base_url=base, api_key=key, max_retries=0)
            _clients[(base, key)] = client
        return client


def _retry_after(exc: Any) -> float | None:
    response = getattr(exc, "response", None)
    value = response.headers.get("retry-after") if response is not None else None
    try:
        return max(0.0, float(value)) if value is not None else None
    except ValueError:
        return None


def _describe(exc: BaseException) -> str:
    text = str(exc).splitlines()[0][:200] if str(exc) else ""
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _body_detail(exc: Any) -> str:
    """The server's own words from an error body (e.g. "Unexpected fields in the request: {'top_k'}")."""
    body = getattr(exc, "body", None)
    if isinstance(body, dict):
        body = body.get("detail") or body.get("message") or body.get("error") or body
    text = str(body).strip() if body else ""
    return f" ({text[:200]})" if text and text not in str(exc) else ""


def messages(source: prompts.Source, examples: Sequence[str] = ()) -> list[dict[str, str]]:
    """The chat; a writer's past blurbs (sent only with their consent) come first as earlier answers."""
    return prompts.chat_messages(source.text, examples)


def complete(
    source: prompts.Source, knobs: decoding.Knobs, seed: int | None, examples: Sequence[str] = ()
) -> Output:
    """One draft for one source, within the deadline, or DraftFailed with the reason."""
    import openai

    model = backends.configured_model(backends.OPENAI)
    if not model:
        raise DraftFailed("SUMMARIZER_API_MODEL is not set")
    client = _client()
    began = time.monotonic()
    deadline = began + settings.SUMMARIZER_API_TIMEOUT
    wait = BACKOFF_START
    attempt = 0
    while True:
        attempt += 1
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise DraftFailed(f"the server gave no draft within {settings.SUMMARIZER_API_TIMEOUT:g} s")
        try:
            response = client.chat.completions.create(
                model=model,
                messages=messages(source, examples),
                timeout=remaining,
                **backends.request_parameters(knobs, seed),
            )
            choice = response.choices[0]
            raw = choice.message.content
            if not isinstance(raw, str) or not raw.strip():
                raise DraftFailed("the server answered without any text")
            usage = response.usage
            return Output(
                text=postprocess.clean(raw),
                raw=raw,
                tokens_in=int(getattr(usage, "prompt_tokens", 0) or 0),
                tokens_out=int(getattr(usage, "completion_tokens", 0) or 0),
                seconds=time.monotonic() - began,
                seed=seed,
                token_ids=[],
            )
        except (openai.RateLimitError, openai.InternalServerError, openai.APIConnectionError) as exc:
            if isinstance(exc, openai.APITimeoutError):
                raise DraftFailed(f"the server gave no draft within {settings.SUMMARIZER_API_TIMEOUT:g} s") from exc
            pause = _retry_after(exc)
            pause = wait if pause is None else pause
            wait = min(wait * 2, BACKOFF_CAP)
            if time.monotonic() + pause >= deadline:
                raise DraftFailed(
                    f"server error after {attempt} attempt(s), no time left to retry: {_describe(exc)}"
                ) from exc
            time.sleep(pause)
        except DraftFailed:
            raise
        except openai.APIStatusError as exc:  # 4xx other than 429: retrying cannot help
            detail = _body_detail(exc)
            raise DraftFailed(f"the server refused the request: {_describe(exc)}{detail}") from exc
        except Exception as exc:  # malformed JSON, a missing field, a proxy's HTML page
            raise DraftFailed(f"the server's answer could not be read: {_describe(exc)}") from exc


def _seed_for(knobs: decoding.Knobs, index: int) -> int | None:
    if not knobs.sampling:
        return knobs.seed
    base = knobs.seed if knobs.seed is not None else random.SystemRandom().randrange(2**31)
    return base + index


def draft_one(source: prompts.Source, knobs: decoding.Knobs, examples: Sequence[str] = ()) -> list[Output]:
    """num_return_sequences drafts for one source (sequential requests, seed, seed + 1, ...)."""
    return [complete(source, knobs, _seed_for(knobs, i), examples) for i in range(knobs.num_return_sequences)]


def generate(
    sources: Sequence[prompts.Source],
    knobs: decoding.Knobs,
    *,
    concurrency: int | None = None,
    progress: Callable[[int], None] | None = None,
    examples: Sequence[str] = (),
) -> list[list[Output] | DraftFailed]:
    """Drafts for each source in input order, or the DraftFailed that stopped that source;
    `examples` go into every chat (`messages`)."""
    workers = max(1, concurrency or settings.SUMMARIZER_API_CONCURRENCY)

    def run(source: prompts.Source) -> list[Output] | DraftFailed:
        try:
            return draft_one(source, knobs, examples)
        except DraftFailed as exc:
            return exc
        finally:
            if progress:
                progress(1)

    if workers == 1 or len(sources) <= 1:
        return [run(source) for source in sources]
    with ThreadPoolExecutor(max_workers=min(workers, len(sources)), thread_name_prefix="summarize-api") as pool:
        return list(pool.map(run, sources))
