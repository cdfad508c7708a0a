"""The entry page edits authors, categories and tags as readable lists that save back the same JSON."""

from __future__ import annotations

import pytest
from django.urls import reverse

from curator.feeds.admin import ListField
from curator.feeds.models import Entry, Source
from tests.support.form_fields import form_fields

pytestmark = pytest.mark.django_db


@pytest.fixture
def entry() -> Entry:
    source = Source.objects.create(name="Blog", url="https://blog.example.org/feed")
    return Entry.objects.create(
        source=source,
        guid="g1",
        url="https://blog.example.org/1",
        title="Attention, again",
        authors=["Lovelace, Ada", "Alan Turing"],
        categories=["cs.LG", "stat.ML"],
        tags=["transformers", "long context"],
    )


def change_page(admin_client, entry: Entry) -> tuple[str, dict[str, list[str]]]:
    url = reverse("admin:feeds_entry_change", args=[entry.pk])
    return url, form_fields(admin_client.get(url).content.decode(), "entry_form")


def test_it_shows_the_lists_as_text_not_json(admin_client, entry) -> None:
    _, fields = change_page(admin_client, entry)
    assert fields["authors"] == ["Lovelace, Ada\nAlan Turing"]
    assert fields["categories"] == ["cs.LG, stat.ML"]
    assert fields["tags"] == ["transformers, long context"]


def test_it_saves_an_untouched_page_back_to_the_same_lists(admin_client, entry) -> None:
    url, fields = change_page(admin_client, entry)
    response = admin_client.post(url, fields)
    assert response.status_code == 302, response.content.decode()[:2000]
    entry.refresh_from_db()
    assert entry.authors == ["Lovelace, Ada", "Alan Turing"]
    assert entry.categories == ["cs.LG", "stat.ML"]
    assert entry.tags == ["transformers", "long context"]


def test_it_splits_edited_text_and_drops_blanks(admin_client, entry) -> None:
    url, fields = change_page(admin_client, entry)
    fields.update(authors=["Grace Hopper\n\n  Edsger W. Dijkstra  \n"], tags=["a , b,, c"], categories=[""])
    assert admin_client.post(url, fields).status_code == 302
    entry.refresh_from_db()
    assert entry.authors == ["Grace Hopper", "Edsger W. Dijkstra"]
    assert entry.tags == ["a", "b", "c"]
    assert entry.categories == []


def test_it_tells_an_unchanged_list_from_a_changed_one() -> None:
    field = ListField()
    assert not field.has_changed(["a", "b"], "a, b")
    assert field.has_changed(["a", "b"], "b, a")


def test_it_keeps_the_technical_fields_in_a_folded_fieldset_at_the_bottom(admin_client, entry) -> None:
    body = admin_client.get(reverse("admin:feeds_entry_change", args=[entry.pk])).content.decode()
    technical = body.index("collapse technical")
    assert body.index('id="drafts"') < body.index("field-title") < technical < body.index("field-fingerprint")
