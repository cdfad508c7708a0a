"""Links in intros, sign-offs and blurbs are absolute http(s) or mailto everywhere they are shown."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from curator.editions.content import markdown_to_html, markdown_to_text
from curator.editions.models import Issue


@pytest.mark.parametrize(
    "link",
    [
        "//evil.example/x",
        "/admin/",
        "admin/",
        "../x",
        "?next=//evil.example",
        "#top",
        "\\\\evil.example/x",
        "https:evil.example",
        "http:///nohost",
        "javascript:alert(1)",
        "mailto:",
    ],
)
def test_it_unlinks_relative_protocol_relative_and_hostless_links(link: str) -> None:
    html = markdown_to_html(f"See [the prize]({link}) now.")
    assert "href" not in html
    assert "the prize" in html, "the link text stays"


@pytest.mark.parametrize(
    "link", ["https://lab.example.org/post?a=1&b=2", "http://lab.example.org/", "mailto:editors@example.org"]
)
def test_it_keeps_absolute_web_and_mail_links(link: str) -> None:
    html = markdown_to_html(f"See [this]({link}).")
    assert f'href="{link.replace("&", "&amp;")}"' in html


def test_raw_html_links_are_judged_the_same() -> None:
    html = markdown_to_html('<a href="//evil.example/x">x</a> and <a href=" https://ok.example/ ">y</a>')
    assert "evil.example" not in html and 'href="https://ok.example/"' in html


def test_the_plain_text_email_shows_no_relative_target() -> None:
    assert "evil.example" not in markdown_to_text("Go [here](//evil.example/x).")


@pytest.mark.django_db
def test_the_archive_and_feed_show_no_relative_link() -> None:
    issue = Issue.objects.create(
        title="Issue",
        month=datetime.date(2026, 1, 1),
        intro="Claim [your prize](//evil.example/prize) or [log in](/admin/).",
    )
    Issue.objects.filter(pk=issue.pk).update(status=Issue.Status.SENT, sent_at=issue.created_at)
    issue.refresh_from_db()
    client = Client()
    page = client.get(reverse("editions:issue", args=[issue.slug])).content.decode()
    assert "your prize" in page
    for body in (page, client.get(reverse("editions:feed_atom")).content.decode()):
        assert "//evil.example" not in body and 'href="/admin/' not in body
