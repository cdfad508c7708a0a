"""A real Celery worker on the `summarize` queue, drafting on a server that hangs: the draft that
hangs becomes an extract at the deadline and the worker goes on with the next task."""

from __future__ import annotations

import time

import pytest

from summarizer import tasks
from summarizer.models import DecodingProfile, Draft
from tests.support.fake_openai import Script, fake_server
from tests.support.waiting import wait_until

FAITHFUL = "Sparse Ladder Attention lets transformers read long documents with 40% less memory."


@pytest.mark.worker
def test_a_hung_server_never_hangs_the_worker(celery_worker_process, text_entries, presets):
    script = Script(steps=[{"sleep": 60}, {"text": FAITHFUL}])  # the first request hangs, the others answer
    with fake_server(script) as base:
        celery_worker_process(
            queues="summarize",
            name="server",
            extra_env={
                "SUMMARIZER_BACKEND": "openai",
                "SUMMARIZER_API_BASE": base,
                "SUMMARIZER_API_MODEL": "fake-model",
                "SUMMARIZER_API_TIMEOUT": "3",
            },
        )
        greedy = DecodingProfile.objects.create(name="Plain greedy", strategy="greedy", max_new_tokens=80)
        entries = [text_entries("paper"), text_entries("paper")]
        began = time.monotonic()
        for entry in entries:
            tasks.draft_blurb.delay(entry.pk, greedy.pk)
        drafts = Draft.objects.filter(entry__in=entries)
        assert wait_until(lambda: drafts.count() == 2, timeout=60)
        assert time.monotonic() - began < 45  # far less than the hung request's 60 s
    hung = drafts.get(engine=Draft.Engine.FALLBACK)
    answered = drafts.get(engine=Draft.Engine.MODEL)
    assert hung.fallback_reason == "the server gave no draft within 3 s"
    assert hung.profile_name == "extract (no model)"
    assert (answered.text, answered.backend, answered.model_id) == (FAITHFUL, "openai", "fake-model")
    assert len(script.requests) == 2
