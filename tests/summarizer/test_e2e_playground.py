"""The decoding playground in a real browser: Generate without naming a profile, Load keeps the entry."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from summarizer.models import DecodingProfile
from tests.editions.test_e2e_editorial import log_in, page, shot, submit  # noqa: F401 (fixture)

pytestmark = pytest.mark.e2e


def sign_in(page, live_server, admin_user) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    page.set_viewport_size({"width": 1366, "height": 768})
    log_in(page, live_server.url, admin_user.username, "password")


def test_it_generates_without_a_name_and_keeps_the_inputs(live_server, page, admin_user, use_model, make_entry):  # noqa: F811
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
    submit(page, "input[name=run]")
    expect(page.locator("#results .result").first).to_be_visible()
    expect(page.locator("#id_name")).to_have_value("Greedy for blogs")
    expect(page.locator("#id_max_new_tokens")).to_have_value("12")
    expect(page.locator("#id_entry")).to_have_value(str(entry.pk))
    shot(page, "playground-generated")

    page.fill("#id_name", "")
    submit(page, "input[name=run]")
    expect(page.locator("#results .result").first).to_be_visible()
    shot(page, "playground-generated-unnamed")

    submit(page, "input[name=save]")
    expect(page.get_by_text("Name the new profile to save this tweak.")).to_be_visible()
    page.fill("#id_name", "Greedy for blogs")
    submit(page, "input[name=save]")
    expect(page.locator(".messagelist")).to_contain_text("Saved profile “Greedy for blogs”.")
    assert DecodingProfile.objects.get(name="Greedy for blogs").max_new_tokens == 12
