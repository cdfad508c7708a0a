"""The public pages share one base: the archive offers mailing's sign-up form, the sign-up pages do not repeat it."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.urls import reverse

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"

pytestmark = pytest.mark.django_db


def test_it_keeps_the_editions_templates_out_of_mailing() -> None:
    templates = list(TEMPLATES.joinpath("editions").rglob("*.html"))
    assert len(templates) > 3  # it walked the editions templates, not an empty folder
    for template in templates:
        assert "mailing/" not in template.read_text(), template


def test_it_writes_the_page_head_once() -> None:
    # Emails (the *-body.html of each trio) are documents of their own, with their own head.
    pages = [
        path for path in TEMPLATES.rglob("*.html") if "admin" not in path.parts and not path.name.endswith("-body.html")
    ]
    bases = sorted(str(path.relative_to(TEMPLATES)) for path in pages if "<head>" in path.read_text())
    assert bases == ["base/public.html"]


def test_it_shows_the_sign_up_form_once_on_the_subscribe_page(client) -> None:
    page = client.get(reverse("mailing:subscribe")).content.decode()
    assert page.count('class="subscribe-form"') == 1
    assert '<meta name="robots" content="noindex">' in page
    assert page.count("<head>") == 1


def test_it_offers_the_sign_up_form_at_the_foot_of_the_archive(client) -> None:
    page = client.get(reverse("editions:archive")).content.decode()
    assert page.count('class="subscribe-form"') == 1
    assert "noindex" not in page


def test_it_names_an_icon_that_exists_on_public_and_admin_pages(client) -> None:
    """Without one, browsers ask for /favicon.ico on every page and log a 404."""
    from django.contrib.staticfiles import finders

    assert finders.find("curator/favicon.svg")
    for url in (reverse("editions:archive"), reverse("admin:login")):
        page = client.get(url).content.decode()
        assert 'rel="icon" href="/static/curator/favicon.svg"' in page, url
