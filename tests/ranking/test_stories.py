import datetime

import pytest
from django.utils import timezone

from curator.feeds.models import Entry
from curator.ranking import embed
from curator.ranking.models import Story, StoryMembership
from curator.ranking.stories import assign_stories, named_identifiers, related, shared_stories, with_stories

pytestmark = pytest.mark.django_db

PAPER = ("Paged attention for serving", "Store the key-value cache in fixed-size pages to batch more requests.")


def test_it_finds_every_arxiv_id_and_doi_in_a_text():
    text = "See arXiv:2609.10001v2 and https://arxiv.org/abs/2610.20001, also doi:10.1000/XYZ.9."
    assert named_identifiers(text) == {"arxiv:2609.10001", "arxiv:2610.20001", "doi:10.1000/xyz.9"}


def test_it_joins_a_post_to_the_paper_it_cites(make_entry):
    paper = make_entry(*PAPER, kind="paper", arxiv_id="2609.10009")
    post = make_entry("Our notes on serving", "We read https://arxiv.org/abs/2609.10009v1 so you do not have to.")
    other = make_entry("Unrelated post", "Nothing cited here.")
    assign_stories([post.pk])
    assert related(post.pk) == [paper.pk]
    assert related(paper.pk) == [post.pk]
    assert related(other.pk) == []
    assert StoryMembership.objects.get(entry=post).reason == StoryMembership.Reason.CITES


def test_it_joins_an_older_post_when_the_paper_it_cites_arrives(make_entry):
    post = make_entry("A preview", "The preprint doi:10.5555/abc.1 is coming.")
    paper = make_entry(*PAPER, kind="paper", doi="10.5555/abc.1")
    assign_stories([paper.pk])
    assert related(paper.pk) == [post.pk]


def test_it_joins_near_duplicate_titles_to_each_other(make_entry):
    a = make_entry("Speculative decoding doubles LLM generation speed", "")
    b = make_entry("Speculative decoding doubles LLM generation speed!", "")
    c = make_entry("Quadruped robots learn to walk on ice", "")
    embed.embed_entries()
    assign_stories([a.pk, b.pk, c.pk])
    assert related(a.pk) == [b.pk]
    assert StoryMembership.objects.get(entry=a).reason == StoryMembership.Reason.NEAR_DUPLICATE
    assert related(c.pk) == []


def test_it_keeps_near_duplicates_apart_when_weeks_separate_them(make_entry, settings):
    settings.RANKING_DUPLICATE_WINDOW_DAYS = 7
    old = make_entry("Speculative decoding doubles LLM generation speed", "")
    old.published_at = timezone.now() - datetime.timedelta(days=30)
    old.save(update_fields=["published_at"])
    new = make_entry("Speculative decoding doubles LLM generation speed!", "")
    embed.embed_entries()
    assign_stories([new.pk])
    assert related(new.pk) == []


def test_it_merges_two_stories_an_entry_bridges(make_entry):
    paper_a = make_entry("Paper A", "", kind="paper", arxiv_id="2609.00001")
    post_a = make_entry("Post on A", "arXiv:2609.00001")
    paper_b = make_entry("Paper B", "", kind="paper", arxiv_id="2609.00002")
    post_b = make_entry("Post on B", "arXiv:2609.00002")
    assign_stories([post_a.pk, post_b.pk])
    assert Story.objects.count() == 2
    both = make_entry("Comparing A and B", "arXiv:2609.00001 versus arXiv:2609.00002")
    assign_stories([both.pk])
    assert Story.objects.count() == 1
    assert related(both.pk) == [paper_a.pk, post_a.pk, paper_b.pk, post_b.pk]


def test_it_is_safe_to_assign_twice(make_entry):
    make_entry("Paper A", "", kind="paper", arxiv_id="2609.00001")
    post = make_entry("Post on A", "arXiv:2609.00001")
    assign_stories([post.pk])
    assign_stories([post.pk])
    assert Story.objects.count() == 1 and StoryMembership.objects.count() == 2


def test_it_expands_a_selection_to_whole_stories_and_finds_shared_ones(make_entry):
    paper = make_entry("Paper A", "", kind="paper", arxiv_id="2609.00001")
    post = make_entry("Post on A", "arXiv:2609.00001")
    alone = make_entry("Alone", "")
    assign_stories([post.pk])

    assert set(with_stories(Entry.objects.filter(pk__in=[post.pk, alone.pk]))) == {paper, post, alone}
    assert shared_stories([paper.pk, post.pk, alone.pk]) == [[paper.pk, post.pk]]
