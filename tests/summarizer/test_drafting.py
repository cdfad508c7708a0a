import hashlib

from summarizer import drafting, prompts
from summarizer.models import DecodingProfile, Draft


def test_it_stores_a_traceable_draft_per_entry(use_model, make_entry):
    model_dir = use_model("seq2seq")
    paper, post = make_entry("paper"), make_entry("post")
    profile = DecodingProfile.objects.get(name="Greedy")
    report = drafting.draft_entries([paper.pk, post.pk], profile)
    assert (report.drafted, report.fallback, report.failed) == (2, 0, 0)
    draft = Draft.objects.get(entry=paper)
    assert draft.engine == Draft.Engine.MODEL
    assert draft.model_id == str(model_dir)
    assert draft.profile == profile and draft.profile_name == "Greedy"
    assert draft.parameters["strategy"] == "greedy"
    assert draft.parameters["max_new_tokens"] == profile.max_new_tokens
    assert draft.parameters["no_repeat_ngram_size"] == 3
    assert draft.input_hash == hashlib.sha256(prompts.source_for(paper).text.encode()).hexdigest()
    assert draft.tokens_in > 10 and 0 < draft.tokens_out <= profile.max_new_tokens
    assert draft.seconds > 0


def test_it_never_overwrites_drafts(use_model, make_entry):
    use_model("seq2seq")
    entry = make_entry("paper")
    profile = DecodingProfile.objects.get(name="Greedy")
    drafting.draft_entries([entry.pk], profile)
    drafting.draft_entries([entry.pk], profile)
    assert Draft.objects.filter(entry=entry).count() == 2


def test_it_records_the_seed_it_sampled_with_so_a_draft_can_be_replayed(use_model, make_entry):
    use_model("seq2seq")
    entry = make_entry("paper")
    unseeded = DecodingProfile.objects.create(
        name="Unseeded", strategy="top_k", top_k=20, min_new_tokens=12, max_new_tokens=12
    )
    drafting.draft_entries([entry.pk], unseeded)
    # Random weights invent words, so a second sample with a fresh seed follows the first one.
    first = Draft.objects.filter(entry=entry, engine=Draft.Engine.MODEL).order_by("-pk").first()
    seed = first.parameters["seed_used"]
    assert seed is not None
    replay = DecodingProfile.objects.create(
        name="Replay", strategy="top_k", top_k=20, min_new_tokens=12, max_new_tokens=12, seed=seed
    )
    drafting.draft_entries([entry.pk], replay)
    replayed = Draft.objects.filter(entry=entry, profile=replay, engine=Draft.Engine.MODEL)
    assert first.text in {d.text for d in replayed if d.parameters["seed_used"] == seed}


def test_it_makes_one_draft_per_returned_sequence(use_model, make_entry):
    use_model("causal")
    entry = make_entry("post")
    profile = DecodingProfile.objects.get(name="Top-k 50")
    assert profile.num_return_sequences == 2
    drafting.draft_entries([entry.pk], profile)
    assert Draft.objects.filter(entry=entry, profile=profile).count() == 2


def test_it_flags_what_the_source_does_not_support(use_model, make_entry):
    use_model("seq2seq")
    entry = make_entry("paper")
    drafting.draft_entries([entry.pk], DecodingProfile.objects.get(name="Greedy"))
    draft = Draft.objects.get(entry=entry)
    from summarizer.checks import unsupported

    assert draft.flags == unsupported(draft.text, prompts.source_for(entry).text)


def test_it_lists_entries_without_drafts_as_pending(use_model, make_entry):
    use_model("seq2seq")
    done, waiting = make_entry("paper"), make_entry("post")
    drafting.draft_entries([done.pk], DecodingProfile.objects.get(name="Greedy"))
    assert drafting.pending_entry_ids() == [waiting.pk]
    report = drafting.draft_pending(DecodingProfile.objects.get(name="Greedy"))
    assert report.drafted == 1
    assert drafting.pending_entry_ids() == []


def test_it_counts_a_failing_entry_and_drafts_the_rest(use_model, make_entry, monkeypatch):
    use_model("seq2seq")
    good, bad = make_entry("paper"), make_entry("paper", title="Broken", abstract="POISON input")
    from summarizer import engine

    real_encode = engine.encode

    def encode(loaded, source, max_new_tokens, examples=()):
        if "POISON" in source.text:
            raise ValueError("tokenizer exploded")
        return real_encode(loaded, source, max_new_tokens, examples)

    monkeypatch.setattr(engine, "encode", encode)
    report = drafting.draft_entries([good.pk, bad.pk], DecodingProfile.objects.get(name="Greedy"))
    assert (report.drafted, report.failed) == (1, 1)
    assert "tokenizer exploded" in report.errors[bad.pk]
    assert Draft.objects.filter(entry=good).exists()
    assert not Draft.objects.filter(entry=bad).exists()
