"""The decoding playground in a real browser: drafts side by side in view, no name needed, Load keeps the entry."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from curator.feeds.models import Entry, Source
from summarizer import engine, presets
from summarizer.models import DecodingProfile
from tests.factories import make_text_entry
from tests.support.browser import SHOTS, log_in, shot, submit

pytestmark = pytest.mark.e2e


@pytest.fixture(autouse=True)
def _summarizer_state(settings, transactional_db) -> Iterator[None]:
    """The shipped presets after earlier flushes, no model until a test chooses one, one torch thread."""
    settings.SUMMARIZER_MODEL = ""
    settings.SUMMARIZER_TORCH_THREADS = 1
    presets.install(DecodingProfile)
    engine.reset()
    yield
    engine.reset()


@pytest.fixture
def make_entry(transactional_db) -> Callable[..., Entry]:
    source = Source.objects.create(name="Lab blog", url="https://lab.example.org/feed.xml")
    counter = iter(range(1, 10_000))
    return lambda kind="paper", **fields: make_text_entry(source, next(counter), kind, **fields)


def sign_in(page, live_server, admin_user) -> None:
    page.set_viewport_size({"width": 1366, "height": 768})
    log_in(page, live_server.url, admin_user.username, "password")


def test_it_generates_without_a_name_and_keeps_the_inputs(live_server, page, admin_user, use_model, make_entry):
    use_model("seq2seq")
    entry = make_entry("post")
    sign_in(page, live_server, admin_user)
    playground = f"{live_server.url}{reverse('admin:summarizer_decodingprofile_playground')}"

    page.goto(f"{playground}?entry={entry.pk}")
    expect(page.locator("#id_entry")).to_have_value(str(entry.pk))
    greedy = DecodingProfile.objects.get(name="Greedy")
    page.select_option("#id_start_profile", value=str(greedy.pk))
    submit(page, "form[method=get] input[type=submit]")
    expect(page.locator("#id_entry")).to_have_value(str(entry.pk))
    expect(page.locator("#id_start_profile")).to_have_value(str(greedy.pk))
    shot(page, "playground-loaded")

    page.fill("#id_name", "Greedy for blogs")
    page.fill("#id_max_new_tokens", "12")
    submit(page, "#generate-knobs")
    expect(page.locator("#results .result").first).to_be_visible()
    expect(page.locator("#results .column h3")).to_have_text(["Greedy", "The knobs below"])
    expect(page.locator("#id_name")).to_have_value("Greedy for blogs")
    expect(page.locator("#id_max_new_tokens")).to_have_value("12")
    expect(page.locator("#id_entry")).to_have_value(str(entry.pk))
    shot(page, "playground-generated")

    page.fill("#id_name", "")
    submit(page, "#generate")
    expect(page.locator("#results .result").first).to_be_visible()
    shot(page, "playground-generated-unnamed")

    submit(page, "input[name=save]")
    expect(page.get_by_text("Name the new profile to save this tweak.")).to_be_visible()
    page.fill("#id_name", "Greedy for blogs")
    submit(page, "input[name=save]")
    expect(page.locator(".messagelist")).to_contain_text("Saved profile “Greedy for blogs”.")
    assert DecodingProfile.objects.get(name="Greedy for blogs").max_new_tokens == 12


def test_it_shows_the_first_draft_without_scrolling(live_server, page, admin_user, use_model, make_entry):
    use_model("seq2seq")
    entry = make_entry("paper")
    sign_in(page, live_server, admin_user)
    page.goto(f"{live_server.url}{reverse('admin:summarizer_decodingprofile_playground')}?entry={entry.pk}")
    ticked = page.locator("input[name=columns]:checked")
    expect(ticked).to_have_count(3)  # the default profile and two others

    submit(page, "#generate")
    columns = page.locator("#results .column")
    expect(columns).to_have_count(3)
    expect(columns.locator("h3").first).to_contain_text("Faithful (beam search)")
    expect(columns.first.locator(".meta").first).to_contain_text(" s")
    assert page.evaluate("window.scrollY") == 0
    first = columns.first.locator(".result").first.bounding_box()
    assert first is not None
    assert first["y"] >= 0 and first["y"] + first["height"] <= 768, first
    assert first["x"] + first["width"] <= 1366, first
    page.screenshot(path=str(SHOTS / "playground-side-by-side.png"))  # the viewport only: what the editor sees


def test_it_ticks_the_knobs_column_when_a_knob_changes(live_server, page, admin_user):
    sign_in(page, live_server, admin_user)
    page.goto(f"{live_server.url}{reverse('admin:summarizer_decodingprofile_playground')}")
    knobs = page.locator("input[name=columns][value=knobs]")
    expect(knobs).not_to_be_checked()
    page.fill("#id_max_new_tokens", "40")
    page.locator("#id_max_new_tokens").blur()
    expect(knobs).to_be_checked()


def test_it_shows_the_offline_extract_once(live_server, page, admin_user, make_entry):
    entry = make_entry("paper")
    sign_in(page, live_server, admin_user)
    page.goto(f"{live_server.url}{reverse('admin:summarizer_decodingprofile_playground')}?entry={entry.pk}")
    submit(page, "#generate")
    expect(page.locator("#results .column")).to_have_count(1)
    expect(page.locator("#results .column h3")).to_have_text("Offline extract")
    skipped = page.locator("#results .skipped")
    expect(skipped).to_have_text("Not run: Contrastive, Greedy: without a model every profile gives this same extract.")
    box = page.locator("#results .result").first.bounding_box()
    assert box is not None and box["y"] + box["height"] <= 768, box
    page.screenshot(path=str(SHOTS / "playground-offline.png"))
