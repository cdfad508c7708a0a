"""A blog post linking a versioned arXiv URL never hides the paper's own metadata, whichever arrives
first: the paper keeps its title, authors and abstract, the post stays its own entry in the same story."""

from __future__ import annotations

from pathlib import Path

import pytest

from curator.feeds.ingest import ingest_source
from curator.feeds.models import Entry
from curator.feeds.parse import parse_feed
from curator.ranking.models import StoryMembership
from curator.ranking.stories import assign_stories

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "feeds"

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("allow_loopback")]

PAPER_TITLE = "Sparse Autoencoders Find Shared Features Across Vision Transformers"


# A post with a guid of its own; a link blog whose guid is the arXiv link itself; a feed without guids.
POSTS = ["blog_links_paper.xml", "linkblog_guid_is_link.xml", "linkblog_no_guid.xml"]


def _check(paper_first_or_post_first: list[str], make_source) -> None:
    for fixture in paper_first_or_post_first:
        kind = "arxiv" if "arxiv" in fixture else "rss"
        ingest_source(make_source(fixture, kind=kind, fetch_full_text=False))
    paper = Entry.objects.get(arxiv_id="2611.19004")
    assert paper.title == PAPER_TITLE
    assert paper.authors == ["Elena Petrova", "Kwame Mensah"]
    assert paper.abstract.startswith("We train sparse autoencoders on the residual streams")
    assert paper.arxiv_version == 1 and paper.kind == Entry.Kind.PAPER
    post = Entry.objects.get(title="Shared features across ViTs, finally")
    assert post.pk != paper.pk
    assert post.kind == Entry.Kind.POST and post.arxiv_id == ""
    assert post.abstract == "Our pick of the week."
    assert post.url == "https://arxiv.org/abs/2611.19004v1"
    assign_stories(Entry.objects.values_list("pk", flat=True))
    story_of = dict(StoryMembership.objects.values_list("entry_id", "story_id"))
    assert story_of[post.pk] == story_of[paper.pk]


@pytest.mark.parametrize("post", POSTS)
def test_post_first_then_paper(post, make_source):
    _check([post, "arxiv_listing_today.rss"], make_source)


@pytest.mark.parametrize("post", POSTS)
def test_paper_first_then_post(post, make_source):
    _check(["arxiv_listing_today.rss", post], make_source)


def test_a_copy_of_an_arxiv_listing_elsewhere_is_still_the_paper():
    """An item carrying arXiv's own OAI id is arXiv's record even when served from another host."""
    listing = (FIXTURES / "arxiv_listing_today.rss").read_text()
    mirrored = listing.replace("http://rss.arxiv.org/rss/cs.LG", "https://mirror.example/cs.LG")
    feed = parse_feed(mirrored.encode(), "https://mirror.example/cs.LG")
    papers = [e for e in feed.entries if e.arxiv_id]
    assert len(papers) == 5 and {e.kind for e in papers} == {"paper"}
