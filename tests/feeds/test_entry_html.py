"""Machine-ingested HTML cannot be edited in the admin, and is cleaned again whenever it is shown.

The hole: `content_html` was an editable field shown with mark_safe, so an Editor could store
`<img onerror=...>` that ran in a Publisher's session.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from curator.feeds.models import Entry, Source
from curator.feeds.sanitize import sanitized_markup
from tests.support.form_fields import form_fields
from tests.support.live_markup import live_script

pytestmark = pytest.mark.django_db

HOSTILE = (
    '<p>Body</p><img src=https://i.example/a.png onerror="alert(1)"><script>alert(1)</script>'
    '<a href="javascript:x()">l</a>'
)


@pytest.fixture
def entry(db) -> Entry:
    source = Source.objects.create(name="Blog", url="https://blog.example.org/feed")
    return Entry.objects.create(source=source, guid="g", title="Title", content_html="<p>Body</p>")


def test_it_ignores_content_html_posted_by_an_editor(client, editor, entry):
    client.force_login(editor)
    url = reverse("admin:feeds_entry_change", args=[entry.pk])
    page = client.get(url).content.decode()
    assert 'name="content_html"' not in page
    data = form_fields(page, "entry_form")
    data.update(content_html=[HOSTILE], title=["Edited title"])
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    entry.refresh_from_db()
    assert entry.title == "Edited title"  # the form works; only the HTML is out of reach
    assert entry.content_html == "<p>Body</p>"


def test_it_cleans_stored_html_again_when_showing_it(admin_client, entry):
    Entry.objects.filter(pk=entry.pk).update(content_html=HOSTILE)  # bypasses every form and ingest
    page = admin_client.get(reverse("admin:feeds_entry_change", args=[entry.pk])).content.decode()
    assert "<p>Body</p>" in page
    assert not live_script(page)


def test_it_returns_only_allowlisted_markup():
    shown = sanitized_markup(HOSTILE)
    assert shown.startswith("<p>Body</p>") and '<img src="https://i.example/a.png">' in shown
    assert not live_script(shown)
    assert hasattr(shown, "__html__")  # marked safe only after the cleaning
