"""Drafts in the writer's voice: only with the member's consent, only their own published blurbs."""

from __future__ import annotations

import pytest
from django.urls import reverse

from curator.team import claim
from curator.team.models import Member
from curator.team.voice import draft_in_voice, past_blurbs
from summarizer import prompts, server
from summarizer.models import Draft
from tests.factories import sent_issue_with_blurbs
from tests.support.sample_texts import ARTICLE

pytestmark = pytest.mark.django_db


def test_without_the_profile_setting_nothing_is_read_or_drafted(contributor, make_entry, make_pick):
    sent_issue_with_blurbs(contributor, make_entry, ["One. Two."])
    pick = claim(make_pick(), contributor)
    assert past_blurbs(contributor) == []
    assert draft_in_voice(pick, contributor) is None
    assert not Draft.objects.exists()


def test_with_it_the_fallback_follows_their_usual_length_from_their_own_blurbs(
    contributor, other_contributor, make_entry, make_pick
):
    Member.objects.create(user=contributor, voice_drafts=True)
    sent_issue_with_blurbs(contributor, make_entry, ["I loved it. Read it twice.", "Short. Sweet.", "One. Two."])
    sent_issue_with_blurbs(other_contributor, make_entry, ["Someone else's words entirely."])
    assert len(past_blurbs(contributor)) == 3
    assert "Someone else's words entirely." not in past_blurbs(contributor)
    pick = claim(make_pick(), contributor)
    pick.entry.full_text = ARTICLE
    pick.entry.save()
    draft = draft_in_voice(pick, contributor)
    assert draft is not None and draft.engine == Draft.Engine.FALLBACK
    assert (draft.parameters["voice_examples"], draft.parameters["sentences"]) == (3, 2)
    assert draft.fallback_reason == "SUMMARIZER_MODEL is not set"
    assert draft.text.count(". ") == 1 and draft.text in ARTICLE.replace("\n", " ")


def test_the_chat_for_a_model_carries_the_examples_as_earlier_answers():
    source = prompts.Source(title="T", body="Body.")
    messages = prompts.chat_messages(source.text, ["My old blurb."])
    assert [m["role"] for m in messages] == ["system", "user", "assistant", "user"]
    assert messages[2]["content"] == "My old blurb."
    assert server.messages(source, ["My old blurb."]) == messages  # one chat for both backends
    assert [m["role"] for m in prompts.chat_messages(source.text)] == ["system", "user"]


def test_the_my_picks_button_drafts_only_the_members_own_pick(client, contributor, other_contributor, make_pick):
    Member.objects.create(user=contributor, voice_drafts=True)
    Member.objects.create(user=other_contributor, voice_drafts=True)
    pick = claim(make_pick(), contributor)
    client.force_login(other_contributor)
    assert client.post(reverse("admin:team_pick", args=[pick.pk, "voice"])).status_code == 403
    client.force_login(contributor)
    client.post(reverse("admin:team_pick", args=[pick.pk, "voice"]))
    assert Draft.objects.filter(entry=pick.entry, model_id="fallback:voice").count() == 1


@pytest.fixture
def fake_api(openai_api):
    """The openai backend pointed at the recording fake server, answering one blurb."""
    return openai_api({"status": 200, "text": "With a good pruning metric the error can fall exponentially."})


def claimed_with_history(contributor, make_entry, make_pick, blurbs: list[str]):
    """A pick claimed by a member who allows voice drafts and has these published blurbs."""
    Member.objects.create(user=contributor, voice_drafts=True)
    sent_issue_with_blurbs(contributor, make_entry, blurbs)
    pick = claim(make_pick(), contributor)
    pick.entry.full_text = ARTICLE
    pick.entry.save()
    return pick


def test_on_the_server_backend_the_examples_go_into_the_chat(fake_api, contributor, make_entry, make_pick):
    pick = claimed_with_history(contributor, make_entry, make_pick, ["My own old blurb. Second sentence."])
    draft = draft_in_voice(pick, contributor)
    assert len(fake_api.requests) == 1
    sent = fake_api.requests[0]["messages"]
    assert [m["role"] for m in sent] == ["system", "user", "assistant", "user"]
    assert sent[2]["content"] == "My own old blurb. Second sentence."
    assert draft is not None and draft.engine == Draft.Engine.MODEL and draft.backend == "openai"
    assert draft.parameters["voice_examples"] == 1


def test_on_the_server_backend_nothing_is_sent_without_the_setting(fake_api, contributor, make_entry, make_pick):
    Member.objects.create(user=contributor, voice_drafts=False)
    sent_issue_with_blurbs(contributor, make_entry, ["My own old blurb."])
    pick = claim(make_pick(), contributor)
    assert draft_in_voice(pick, contributor) is None
    assert fake_api.requests == []


def test_a_demoted_server_voice_draft_is_not_shown_first(fake_api, contributor, make_entry, make_pick):
    fake_api.steps[:] = [{"status": 200, "text": "Dr. Elena Martinez at the University of Oslo wrote this."}]
    pick = claimed_with_history(contributor, make_entry, make_pick, ["My own old blurb."])
    draft = draft_in_voice(pick, contributor)
    assert len(fake_api.requests) == 1
    assert draft is not None and draft.engine == Draft.Engine.FALLBACK and "Martinez" not in draft.text


def test_when_the_server_refuses_the_extract_says_why(fake_api, contributor, make_entry, make_pick):
    fake_api.steps[:] = [{"status": 400}]
    pick = claimed_with_history(contributor, make_entry, make_pick, ["One. Two."])
    draft = draft_in_voice(pick, contributor)
    assert len(fake_api.requests) == 1 and fake_api.requests[0]["messages"][2]["content"] == "One. Two."
    assert draft is not None and draft.engine == Draft.Engine.FALLBACK and draft.model_id == "fallback:voice"
    assert "the server refused the request" in draft.fallback_reason
    assert (draft.parameters["voice_examples"], draft.parameters["sentences"]) == (1, 2)


def test_when_the_worker_model_cannot_load_the_extract_says_why(settings, tmp_path, contributor, make_entry, make_pick):
    from summarizer import engine

    settings.SUMMARIZER_BACKEND = "transformers"
    settings.SUMMARIZER_MODEL = str(tmp_path / "no-such-model")
    engine.reset()
    Member.objects.create(user=contributor, voice_drafts=True)
    sent_issue_with_blurbs(contributor, make_entry, ["One. Two."])
    pick = claim(make_pick(), contributor)
    draft = draft_in_voice(pick, contributor)
    engine.reset()
    assert draft is not None and draft.engine == Draft.Engine.FALLBACK and draft.model_id == "fallback:voice"
    assert draft.fallback_reason.startswith("could not load model")
