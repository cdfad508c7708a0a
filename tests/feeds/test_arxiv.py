"""arXiv queries: URLs, ids, paging that stops early, and at most one request per interval."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from curator.feeds import arxiv
from curator.feeds.fetch import Fetcher
from curator.feeds.identifiers import normalize_doi, split_arxiv_id

pytestmark = pytest.mark.usefixtures("allow_loopback")


def test_it_builds_a_newest_first_query_url():
    url = arxiv.query_url('cat:cs.LG AND abs:"diffusion"', start=50, max_results=25)
    query = parse_qs(urlsplit(url).query)
    assert url.startswith("https://export.arxiv.org/api/query?")
    assert query["search_query"] == ['cat:cs.LG AND abs:"diffusion"']
    assert (query["start"], query["max_results"]) == (["50"], ["25"])
    assert (query["sortBy"], query["sortOrder"]) == (["submittedDate"], ["descending"])


def test_it_knows_the_listing_feed_of_a_category():
    assert arxiv.listing_feed_url("cs.LG") == "https://rss.arxiv.org/rss/cs.LG"


def test_it_waits_three_seconds_between_requests_by_default():
    assert arxiv.MIN_INTERVAL >= 3.0


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("http://arxiv.org/abs/2610.01001v2", ("2610.01001", 2)),
        ("https://arxiv.org/pdf/2610.01001v3", ("2610.01001", 3)),
        ("oai:arXiv.org:2401.12345v1", ("2401.12345", 1)),
        ("arXiv:2312.00001", ("2312.00001", 0)),
        ("2101.01234", ("2101.01234", 0)),
        ("http://arxiv.org/abs/hep-th/9901001v1", ("hep-th/9901001", 1)),
        ("http://arxiv.org/abs/math.GT/0309136v2", ("math/0309136", 2)),
        ("https://example.org/2101.01234", ("", 0)),
    ],
)
def test_it_normalizes_arxiv_ids_without_version(text, expected):
    assert split_arxiv_id(text) == expected


@pytest.mark.parametrize(
    "text", ["10.1145/3292500.3330701", "doi:10.1145/3292500.3330701", "https://doi.org/10.1145/3292500.3330701."]
)
def test_it_normalizes_dois(text):
    assert normalize_doi(text) == "10.1145/3292500.3330701"


def test_it_pages_until_the_results_end(feed_server):
    feed_server.state.arxiv_pages = {0: "arxiv_page1.xml", 3: "arxiv_page2.xml"}
    with Fetcher() as fetcher:
        result = arxiv.fetch_query(
            fetcher, "abs:diffusion", base_url=feed_server.url("api/query"), page_size=3, interval=0
        )
    assert [e.arxiv_id for e in result.feed.entries][-1] == "2610.01005"
    assert len(result.feed.entries) == 5 and result.pages == 2
    starts = [parse_qs(urlsplit(p).query)["start"] for p in feed_server.state.paths()]
    assert starts == [["0"], ["3"]]


def test_it_stops_when_a_page_brings_nothing_new(feed_server):
    feed_server.state.arxiv_pages = {0: "arxiv_page1.xml", 3: "arxiv_page2.xml"}
    known = {"arxiv:2610.01001", "arxiv:2610.01002", "arxiv:2610.01003"}
    with Fetcher() as fetcher:
        result = arxiv.fetch_query(
            fetcher, "abs:diffusion", known, base_url=feed_server.url("api/query"), page_size=3, interval=0
        )
    assert result.pages == 1
    assert len(result.feed.entries) == 3  # known papers come back too, so a new version can update them


def test_it_stops_at_an_empty_page(feed_server):
    with Fetcher() as fetcher:
        result = arxiv.fetch_query(fetcher, "nothing", base_url=feed_server.url("api/query"), interval=0)
    assert result.pages == 1 and result.feed.entries == []


def test_it_spaces_requests_by_the_interval(feed_server):
    feed_server.state.arxiv_pages = {0: "arxiv_page1.xml", 3: "arxiv_page2.xml"}
    with Fetcher() as fetcher:
        result = arxiv.fetch_query(
            fetcher, "abs:diffusion", base_url=feed_server.url("api/query"), page_size=3, max_results=10, interval=0.4
        )
    gaps = [b - a for a, b in zip(result.request_times, result.request_times[1:], strict=False)]
    assert result.pages == 2 and all(gap >= 0.4 for gap in gaps)
