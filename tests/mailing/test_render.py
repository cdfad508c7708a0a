import re

import pytest

from curator.mailing.clicks import click_url
from curator.mailing.models import Subscriber
from curator.mailing.render import build_message, message_id, personalize, prepare_issue, render_issue
from curator.mailing.subscriptions import unsubscribe_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def reader() -> Subscriber:
    return Subscriber.objects.create(email="Mia@Example.com", name="Mia <b>Ng</b>", status="active")


def test_it_renders_subject_intro_sections_and_signed_picks(issue, reader):
    subject, html, text = render_issue(issue, reader)
    assert subject == "Recommended Reading — March 2026"
    for part in (html, text):
        assert "Welcome to the March issue" in part
        assert "Sparse attention, revisited" in part
        assert "That is all for March" in part
    assert html.index("Feature") < html.index("Recommended reading</td>")
    assert "&mdash; Grace" in html or "— Grace" in html
    assert "— Grace" in text
    sparse = issue.picks.get(url="https://arxiv.org/abs/2603.01234")
    assert f'href="{click_url(sparse.pk)}"' in html  # the email links through the click counter
    assert click_url(sparse.pk) in text


def test_it_inlines_css_but_keeps_media_queries(issue, reader):
    _, html, _ = render_issue(issue, reader)
    assert re.search(r'<td class="pick" style="[^"]*padding', html)
    assert "@media only screen and (max-width: 620px)" in html
    assert 'role="presentation"' in html
    assert "<!--[if mso]>" in html


def test_it_writes_a_real_plain_text_alternative(issue, reader):
    _, _, text = render_issue(issue, reader)
    assert "<" not in text.replace("Mia <b>Ng</b>", "")  # only the subscriber's own name has markup
    assert "== Recommended reading ==" in text
    assert "Hi Mia <b>Ng</b>," in text


def test_it_escapes_the_subscriber_name_in_html(issue, reader):
    _, html, _ = render_issue(issue, reader)
    assert "Hi Mia &lt;b&gt;Ng&lt;/b&gt;," in html
    assert "<b>Ng</b>" not in html


def test_it_personalizes_the_unsubscribe_link(issue, reader):
    other = Subscriber.objects.create(email="leo@example.com", status="active")
    prepared = prepare_issue(issue)
    _, html_a, text_a = personalize(prepared, reader)
    _, html_b, text_b = personalize(prepared, other)
    assert unsubscribe_url(reader) in text_a and unsubscribe_url(other) in text_b
    assert unsubscribe_url(reader).replace("&", "&amp;") in html_a
    assert unsubscribe_url(reader) not in html_b
    assert prepared.unsubscribe_placeholder not in html_a + text_a
    assert prepared.name_placeholder not in html_a + text_a


def test_it_personalizes_without_touching_the_database(issue, reader, django_assert_num_queries):
    prepared = prepare_issue(issue)
    with django_assert_num_queries(0):
        for _ in range(20):
            personalize(prepared, reader)


def test_it_greets_nameless_readers_politely(issue):
    nameless = Subscriber.objects.create(email="anon@example.com", status="active")
    _, html, text = render_issue(issue, nameless)
    assert "Hi there," in html and "Hi there," in text


def test_it_gives_each_issue_and_subscriber_a_stable_message_id(issue, reader):
    first = build_message(prepare_issue(issue), reader)
    again = build_message(prepare_issue(issue), reader)
    assert first.extra_headers["Message-ID"] == again.extra_headers["Message-ID"]
    assert first.extra_headers["Message-ID"] == message_id(issue.pk, reader.pk)
    assert message_id(issue.pk, reader.pk) == f"<issue-{issue.pk}.sub-{reader.pk}@news.example.org>"


def test_it_wraps_long_paragraphs_in_the_text_part(issue, reader):
    from curator.editions.models import Pick
    from curator.mailing.render import wire_template

    long_blurb = "A sentence that keeps going about attention heads and pruning. " * 30
    Pick.objects.filter(issue=issue, title__startswith="Sparse").update(blurb=long_blurb)
    prepared = prepare_issue(issue)
    assert max(len(line) for line in prepared.text.splitlines()) <= 76
    assert "keeps going about attention heads" in prepared.text
    assert wire_template(prepared) is not None  # no line forces quoted-printable
