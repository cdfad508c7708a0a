"""Canonical URLs: different links to the same article must agree, different articles must not."""

from __future__ import annotations

import pytest

from curator.feeds.canonical import canonical_url


@pytest.mark.parametrize(
    "url",
    [
        "https://tokens.example/posts/leaky-tokenizers",
        "http://tokens.example/posts/leaky-tokenizers",
        "https://www.tokens.example/posts/leaky-tokenizers/",
        "https://TOKENS.example:443/posts/leaky-tokenizers#comments",
        "https://tokens.example/posts/leaky-tokenizers?utm_source=rss&utm_medium=feed&fbclid=abc",
        "https://tokens.example/posts/leaky-tokenizers?mc_cid=1&mc_eid=2&gclid=3",
    ],
)
def test_it_collapses_variants_of_one_article(url):
    assert canonical_url(url) == "https://tokens.example/posts/leaky-tokenizers"


def test_it_keeps_parameters_that_select_content_in_a_stable_order():
    assert canonical_url("https://x.example/a?page=2&id=7&utm_campaign=w") == "https://x.example/a?id=7&page=2"
    assert canonical_url("https://x.example/a?id=7") != canonical_url("https://x.example/a?id=8")


def test_it_keeps_a_non_default_port():
    assert canonical_url("http://x.example:8080/a") == "https://x.example:8080/a"


@pytest.mark.parametrize("url", ["", "javascript:alert(1)", "mailto:a@b.example", "/relative", "http://[bad"])
def test_it_has_no_canonical_form_for_non_web_urls(url):
    assert canonical_url(url) == ""
