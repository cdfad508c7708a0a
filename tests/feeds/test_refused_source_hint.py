"""A source refused by the address guard says how to allow it: the operator setting and where it is documented."""

from __future__ import annotations

import pytest

from curator.feeds.ingest import ingest_source
from curator.feeds.models import Source
from tests.support.forms import add_source

pytestmark = pytest.mark.django_db


def test_a_refused_local_source_names_the_setting_that_allows_it(make_source, admin_client):
    source = make_source("rss20.xml")  # the test server on 127.0.0.1, not allowlisted
    result = ingest_source(source)
    assert result.failed
    assert "127.0.0.1 resolves only to refused addresses" in result.error
    assert "FEEDS_ALLOWED_NETWORKS" in result.error and "docs/ingestion.md" in result.error
    source.refresh_from_db()
    assert "FEEDS_ALLOWED_NETWORKS" in source.last_error

    listing = admin_client.get("/admin/feeds/source/").content.decode()
    assert "allowed only by an operator setting: FEEDS_ALLOWED_NETWORKS" in listing


def test_adding_a_refused_local_feed_explains_the_operator_setting(admin_client, feed_server):
    response = add_source(admin_client, feed_server.url("rss20.xml"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "FEEDS_ALLOWED_NETWORKS" in page and "operator setting" in page
    assert not Source.objects.exists()
