"""arXiv listing feeds in today's rss.arxiv.org format: the "arXiv:ID Announce Type: ... Abstract:" header
is stripped for every announce type, the type is kept as data, and stored entries can be re-cleaned."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from curator.feeds.announcements import clean_stored, split_header
from curator.feeds.ingest import ingest_source
from curator.feeds.models import Entry
from summarizer import drafting
from summarizer.models import Draft

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("allow_loopback")]

EXPECTED = {
    "2612.03117": ("new", 1, ["Amara Okonkwo", "Lukas Brenner", "Mei Tanaka"], ["cs.LG", "cs.CL"]),
    "2612.03342": ("cross", 1, ["Rafael Quintero", "Sofia Lindqvist"], ["cs.RO", "cs.LG"]),
    "2211.17192": ("replace", 2, ["Yaniv Leviathan", "Matan Kalman", "Yossi Matias"], ["cs.LG", "cs.CL"]),
    "2609.14408": (
        "replace-cross",
        3,
        ["Hannah Weiss", "Tomasz Nowak", "Priya Raman", "Jun Li"],
        ["stat.ML", "cs.LG", "cs.SI"],
    ),
    "2611.19004": ("new", 1, ["Elena Petrova", "Kwame Mensah"], ["cs.CV", "cs.LG"]),
}


def test_a_listing_feed_is_ingested_clean_end_to_end(make_source, settings):
    settings.SUMMARIZER_MODEL = ""
    result = ingest_source(make_source("arxiv_listing_today.rss", kind="arxiv"))
    assert result.new == 5 and not result.failed
    for arxiv_id, (announce, version, authors, categories) in EXPECTED.items():
        paper = Entry.objects.get(arxiv_id=arxiv_id)
        assert paper.kind == Entry.Kind.PAPER
        assert paper.announce_type == announce
        assert paper.arxiv_version == version
        assert paper.authors == authors
        assert paper.categories == categories
        assert paper.url == f"https://arxiv.org/abs/{arxiv_id}"
        for text in (paper.abstract, paper.content_html):
            assert "Announce Type" not in text and "Abstract:" not in text and "arXiv:" not in text
    speculative = Entry.objects.get(arxiv_id="2211.17192")
    assert speculative.abstract.startswith("Inference from large autoregressive models like Transformers is slow")

    report = drafting.draft_entries(Entry.objects.values_list("pk", flat=True))
    assert report.fallback == 5
    for draft in Draft.objects.all():
        assert "Announce Type" not in draft.text and not draft.text.startswith("arXiv:"), draft.text


def test_editors_can_filter_the_entry_list_by_announce_type(make_source, admin_client):
    ingest_source(make_source("arxiv_listing_today.rss", kind="arxiv"))
    page = admin_client.get("/admin/feeds/entry/", {"announce_type__exact": "replace"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "Fast Inference from Transformers via Speculative Decoding" in html
    assert "Curriculum Distillation" not in html
    assert "new version" in html  # the filter's plain label


@pytest.mark.parametrize("announce", ["new", "cross", "replace", "replace-cross"])
def test_the_header_is_split_off_for_every_announce_type(announce):
    text = f"arXiv:2211.17192v2 Announce Type: {announce} \nAbstract: Inference from large models is slow."
    assert split_header(text) == (announce, "Inference from large models is slow.")
    assert split_header("Inference from large models is slow.") == ("", "Inference from large models is slow.")


def test_stored_entries_are_recleaned_idempotently(make_source):
    ingest_source(make_source("arxiv_listing_today.rss", kind="arxiv"))
    # As entries ingested before the header was stripped were stored:
    paper = Entry.objects.get(arxiv_id="2211.17192")
    clean = paper.abstract
    Entry.objects.filter(pk=paper.pk).update(
        abstract=f"arXiv:2211.17192v2 Announce Type: replace \nAbstract: {clean}",
        content_html=f"arXiv:2211.17192v2 Announce Type: replace \nAbstract: {clean}",
        announce_type="",
    )
    call_command("clean_arxiv_abstracts", stdout=None)
    paper.refresh_from_db()
    assert paper.abstract == clean
    assert paper.content_html.startswith("Inference from large")
    assert paper.announce_type == "replace"
    assert clean_stored() == 0  # a second run finds nothing to do
    paper.refresh_from_db()
    assert paper.abstract == clean
