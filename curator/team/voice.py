"""Drafts in the writer's voice: a member's own published blurbs as examples, only with their consent.

A member's past text is theirs: it goes into a prompt only when their profile says "drafts in my
voice" (Member.voice_drafts), and only their own blurbs of sent issues, at most three. For a
causal model, in the worker or on a server, the examples become earlier turns of the chat
(`summarizer.prompts.chat_messages`, through `summarizer.drafting.draft_with_examples`); the offline
fallback cannot imitate style, so it follows the one thing it can, their usual number of sentences.
"""

from __future__ import annotations

import re
import statistics
import time
from collections import Counter
from functools import partial
from typing import Any

from curator.editions.models import Issue, Pick
from curator.team.models import Member
from summarizer import checks, decoding, drafting, prompts
from summarizer.models import Draft
from summarizer.postprocess import normalize_whitespace, split_sentences

MAX_EXAMPLES = 3
MIN_SENTENCES, MAX_SENTENCES = 1, 5
PROFILE_NAME = "in the writer's voice"
# Greedy: the examples, not a random seed, should decide how the draft sounds.
KNOBS = decoding.check({"strategy": "greedy", "max_new_tokens": 120})


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
    count = usual_sentences(examples)
    return drafting.draft_with_examples(
        entry,
        examples,
        KNOBS,
        label=PROFILE_NAME,
        extract=partial(_voice_extract, count),
        parameters={"voice_examples": len(examples)},
    )


def _voice_extract(count: int, source: prompts.Source, reason: str) -> drafting.Generated:
    """The offline stand-in when no model drafts: the member's usual number of sentences, with the reason."""
    began = time.monotonic()
    text = extract(source.body or source.text, count) or source.title
    return drafting.Generated(
        text=text,
        engine=Draft.Engine.FALLBACK,
        model_id="fallback:voice",
        tokens_in=0,
        tokens_out=0,
        seconds=time.monotonic() - began,
        seed=None,
        flags=checks.unsupported(text, source.text),
        fallback_reason=reason,
        label=PROFILE_NAME,
        parameters={"sentences": count},
    )
