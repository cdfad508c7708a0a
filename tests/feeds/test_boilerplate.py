"""WordPress's closing "The post ... appeared first on ..." line and its "[…]" cut mark are not stored."""

from __future__ import annotations

import pytest

from curator.feeds.boilerplate import strip_boilerplate
from curator.feeds.ingest import ingest_source
from curator.feeds.models import Entry

pytestmark = pytest.mark.usefixtures("allow_loopback")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fixture", "title", "teaser"),
    [
        (
            "wordpress.xml",
            "What we learned from a year of low-precision training",
            "A year ago we moved every training run to FP8. Here is what broke, what did not, and what we "
            "would do differently\u2026",
        ),
        (
            "german_blog.xml",
            "Warum kleine Sprachmodelle häufiger halluzinieren",
            "Kleine Modelle erfinden öfter Fakten. Wir haben nachgesehen, woran das liegt\u2026",
        ),
    ],
)
def test_teaser_and_body_are_stored_without_the_plugin_lines(fixture, title, teaser, make_source):
    ingest_source(make_source(fixture, fetch_full_text=False))
    post = Entry.objects.get(title=title)
    assert post.abstract == teaser
    for text in (post.abstract, post.full_text):
        assert "appeared first on" not in text and "erschien zuerst auf" not in text and "[\u2026]" not in text
    assert post.full_text  # the body itself is kept


def test_only_a_closing_line_is_taken_for_the_plugins():
    own_sentence = "The post we wrote last year appeared first on a mailing list.\n\nIt was wrong."
    assert strip_boilerplate(own_sentence) == own_sentence
    assert strip_boilerplate("The post X appeared first on Y.") == "The post X appeared first on Y."
    assert strip_boilerplate("Body.\n\nThe post X appeared first on Y.") == "Body."
