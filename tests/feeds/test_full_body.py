"""A WordPress-style feed carries a teaser in <description> and the article in content:encoded: the
teaser is the abstract editors see, the body is what drafts, embeddings and ranking read."""

from __future__ import annotations

import pytest

from curator.feeds.ingest import ingest_source
from curator.feeds.models import Entry
from curator.ranking import embed
from summarizer import drafting, fallback, prompts
from summarizer.models import Draft
from summarizer.postprocess import normalize_whitespace

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("allow_loopback")]


def test_a_wordpress_post_is_drafted_from_its_body_not_its_teaser(make_source, settings):
    settings.SUMMARIZER_MODEL = ""  # no model: the extractive draft shows exactly which text was read
    result = ingest_source(make_source("wordpress.xml", fetch_full_text=False))
    assert result.new == 2
    post = Entry.objects.get(title__startswith="What we learned")
    assert post.kind == Entry.Kind.POST
    assert post.abstract.startswith("A year ago we moved every training run to FP8.")  # the teaser
    assert len(post.abstract) < 400
    assert "Keeping the query-key product in BF16" in post.full_text
    assert "<p>" not in post.full_text

    report = drafting.draft_entries([post.pk])
    assert report.fallback == 1
    draft = Draft.objects.get(entry=post)
    body_sentences = [
        "Throughput rose by 38 percent",
        "Keeping the query-key product in BF16",
        "Final validation loss matched",
        "Delayed scaling factors drifted",
        "Loss spikes were the first thing",
        "A year ago we moved every training run in the lab",
    ]
    assert any(sentence in draft.text for sentence in body_sentences), draft.text
    assert "[…]" not in draft.text and "appeared first on" not in draft.text.split(".")[0]


def test_embeddings_read_the_body_of_a_post_and_the_abstract_of_a_paper():
    post_text = embed.entry_text("Title", "teaser", "the whole article body", kind="post")
    paper_text = embed.entry_text("Title", "the abstract", "text of the pdf", kind="paper")
    assert post_text == "Title. the whole article body"
    assert paper_text == "Title. the abstract"
    assert embed.entry_text("Title", "teaser only", "", kind="post") == "Title. teaser only"


def test_a_post_that_carries_no_body_is_still_drafted_from_its_teaser(make_source):
    ingest_source(make_source("rss20.xml", fetch_full_text=False))
    teaser_only = Entry.objects.get(title="Scaling laws for data pruning")
    assert teaser_only.full_text == ""
    assert prompts.source_for(teaser_only).body.startswith("Pruning easy examples")
    with_body = Entry.objects.get(title="Why warmup still matters for Adam")
    assert prompts.source_for(with_body).body.startswith("Learning-rate warmup is often treated as folklore.")


@pytest.mark.parametrize(
    ("fixture", "title", "first_sentence"),
    [
        (
            "substack.xml",
            "Why your reward model stops helping after 2,000 steps",
            "Every team that trains with a learned reward model sees the same curve.",
        ),
        (
            "atom_blog.xml",
            "Teaching a gripper to fold towels & shirts",
            "Cloth is the hardest object our robots handle",
        ),
        (
            "german_blog.xml",
            "Warum kleine Sprachmodelle häufiger halluzinieren",
            "Kleine Sprachmodelle erfinden deutlich häufiger Fakten als große.",
        ),
        (
            "japanese_blog.xml",
            "小さな言語モデルはなぜ事実を作り出すのか",
            "小さな言語モデルは大きなモデルよりも事実を作り出すことが多い。",
        ),
    ],
)
def test_substack_atom_and_non_english_posts_are_drafted_from_their_body(
    fixture, title, first_sentence, make_source, settings
):
    settings.SUMMARIZER_MODEL = ""
    assert ingest_source(make_source(fixture, fetch_full_text=False)).new == 1
    post = Entry.objects.get(title=title)
    assert post.kind == Entry.Kind.POST and post.authors
    assert len(post.abstract) < 200  # the teaser or summary
    assert first_sentence in post.full_text
    drafting.draft_entries([post.pk])
    draft = Draft.objects.get(entry=post).text
    # Every sentence of the extract is the body's own, none the teaser's.
    for sentence in fallback.candidate_sentences(draft):
        assert sentence in normalize_whitespace(post.full_text), sentence
    assert post.abstract not in draft
    # A figure's caption describes a picture the reader never sees: it is not text to draft from.
    assert "Reward against steps" not in post.full_text and "Reward against steps" not in draft


def test_a_subheading_is_not_glued_to_the_sentence_after_it(make_source, settings):
    settings.SUMMARIZER_MODEL = ""
    ingest_source(make_source("wordpress.xml", fetch_full_text=False))
    post = Entry.objects.get(title__startswith="What we learned")
    assert "\n\nWhat we would do differently\n\n" in post.full_text  # the <h2> of the body
    drafting.draft_entries([post.pk])
    assert "What we would do differently" not in Draft.objects.get(entry=post).text
