"""Drafts in the writer's voice: a member's own published blurbs as examples, only with their consent.

A member's past text is theirs: it goes into a prompt only when their profile says "drafts in my
voice" (Member.voice_drafts), and only their own blurbs of sent issues, at most three. For a
causal model the examples become earlier turns of the chat (`chat_messages`); the offline fallback
cannot imitate style, so it follows the one thing it can, their usual number of sentences.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from typing import Any

from curator.editions.models import Issue, Pick
from curator.team.models import Member
from summarizer import backends, decoding, drafting, prompts, server
from summarizer.models import Draft
from summarizer.postprocess import normalize_whitespace, split_sentences

MAX_EXAMPLES = 3
MIN_SENTENCES, MAX_SENTENCES = 1, 5
PROFILE_NAME = "in the writer's voice"


def consents(user: Any) -> bool:
    return Member.objects.filter(user=user, voice_drafts=True).exists()


def past_blurbs(user: Any) -> list[str]:
    """Up to three of the member's blurbs in sent issues, newest first; [] without their consent."""
    if not consents(user):
        return []
    rows = (
        Pick.objects.filter(assignment__writer=user, issue__status=Issue.Status.SENT)
        .exclude(blurb="")
        .order_by("-issue__sent_at", "-id")
        .values_list("blurb", flat=True)[:MAX_EXAMPLES]
    )
    return list(rows)


def usual_sentences(examples: list[str]) -> int:
    """The member's typical blurb length in sentences (median), within bounds; 3 without examples."""
    if not examples:
        return 3
    counts = [len(split_sentences(normalize_whitespace(text))) or 1 for text in examples]
    return max(MIN_SENTENCES, min(MAX_SENTENCES, round(statistics.median(counts))))


def chat_messages(examples: list[str], source: prompts.Source) -> list[dict[str, str]]:
    """The chat for a causal model: each past blurb as an earlier answer, then the entry to write about."""
    messages = [{"role": "system", "content": prompts.SYSTEM + " Write in the same voice as the earlier blurbs."}]
    for text in examples:
        messages += [
            {"role": "user", "content": "Write a blurb in your own words."},
            {"role": "assistant", "content": text},
        ]
    messages.append({"role": "user", "content": f"{prompts.INSTRUCTION}\n\n{source.text}"})
    return messages


def _words(sentence: str) -> set[str]:
    return set(re.findall(r"[a-z0-9]{3,}", sentence.lower()))


def extract(text: str, count: int) -> str:
    """The `count` sentences sharing most words with the rest, in reading order (offline, no model)."""
    sentences = [s for s in split_sentences(normalize_whitespace(text)) if len(s.split()) >= 3][:60]
    if len(sentences) <= count:
        return " ".join(sentences)
    bags = [_words(s) for s in sentences]
    total = Counter(word for bag in bags for word in bag)
    scores = [sum(total[w] - 1 for w in bag) / (len(bag) or 1) for bag in bags]
    chosen = sorted(sorted(range(len(sentences)), key=lambda i: (-scores[i], i))[:count])
    return " ".join(sentences[i] for i in chosen)


def draft_in_voice(pick: Pick, user: Any) -> Draft | None:
    """A draft of the pick's entry shaped by the member's past blurbs; None (and nothing read) without consent."""
    entry = pick.entry
    if entry is None or not consents(user):
        return None
    examples = past_blurbs(user)
    source = prompts.source_for(entry)
    if examples and backends.configured() == backends.OPENAI:
        drafted = _server_draft(entry, source, examples)
        if drafted is not None:
            return drafted
    count = usual_sentences(examples)
    text = extract(source.body or source.text, count) or source.title
    return Draft.objects.create(
        entry=entry,
        profile_name=PROFILE_NAME,
        text=text,
        engine=Draft.Engine.FALLBACK,
        model_id="fallback:voice",
        parameters={"voice_examples": len(examples), "sentences": count},
    )


def _server_draft(entry: Any, source: prompts.Source, examples: list[str]) -> Draft | None:
    """A server draft with the examples in the chat; None (so the extract is made) when the server fails
    or every draft was demoted by the faithfulness check (a demoted voice draft is never shown first)."""
    knobs = decoding.check({"strategy": "greedy", "max_new_tokens": 120})
    try:
        outputs = server.draft_one(source, knobs, examples)
    except server.DraftFailed:
        return None
    generated = drafting._from_outputs(backends.configured_model(backends.OPENAI), source, outputs, backends.OPENAI)
    best = next((g for g in generated if not g.demoted_reason), None)
    if best is None:
        return None
    row = drafting._draft_row(entry, source, None, knobs, best, "")
    row.profile_name = PROFILE_NAME
    row.parameters = row.parameters | {"voice_examples": len(examples)}
    row.save()
    return row
