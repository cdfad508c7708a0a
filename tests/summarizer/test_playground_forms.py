"""The playground's two buttons share one form: Generate needs no profile name, Save does."""

from __future__ import annotations

import re

from django.urls import reverse

from summarizer.models import DecodingProfile
from tests.support.sample_texts import PLAYGROUND_KNOBS

URL = "admin:summarizer_decodingprofile_playground"


def name_input(page: str) -> str:
    match = re.search(r"<input[^>]*name=\"name\"[^>]*>", page)
    assert match, "the profile name input is missing"
    return match.group(0)


def test_it_does_not_make_the_browser_demand_a_name_before_generate(admin_client):
    page = admin_client.get(reverse(URL)).content.decode()
    assert " required" not in name_input(page)


def test_it_generates_without_a_name_and_keeps_every_input(admin_client, use_model, make_entry):
    use_model("seq2seq")
    entry = make_entry("post")
    response = admin_client.post(
        reverse(URL),
        {**PLAYGROUND_KNOBS, "entry": entry.pk, "name": "Warm & short", "description": "for blogs", "run": "1"},
    )
    page = response.content.decode()
    assert page.count('class="result"') == 2
    assert 'value="Warm &amp; short"' in name_input(page)
    assert "for blogs</textarea>" in page
    assert f'<option value="{entry.pk}" selected>' in page
    assert 'name="top_k" value="30"' in page
    assert "errorlist" not in page


def test_it_generates_with_no_name_given_at_all(admin_client, use_model):
    use_model("seq2seq")
    response = admin_client.post(reverse(URL), {**PLAYGROUND_KNOBS, "text": "Diffusion models denoise.", "run": "1"})
    page = response.content.decode()
    assert page.count('class="result"') == 2
    assert "Name the new profile" not in page


def test_it_asks_for_a_name_only_when_saving(admin_client):
    response = admin_client.post(reverse(URL), {**PLAYGROUND_KNOBS, "name": "  ", "save": "1"})
    assert response.status_code == 200
    assert "Name the new profile to save this tweak." in response.content.decode()
    assert not DecodingProfile.objects.filter(name="").exists()


def test_it_keeps_the_chosen_entry_when_loading_a_profile(admin_client, make_entry):
    entry = make_entry("paper")
    page = admin_client.get(reverse(URL), {"entry": entry.pk}).content.decode()
    load_form = page.split('<form method="get"', 1)[1].split("</form>", 1)[0]
    assert f'<input type="hidden" name="entry" value="{entry.pk}">' in load_form
    greedy = DecodingProfile.objects.get(name="Greedy")
    loaded = admin_client.get(reverse(URL), {"profile": greedy.pk, "entry": entry.pk}).content.decode()
    assert f'<option value="{entry.pk}" selected>' in loaded


def test_it_keeps_the_entry_of_a_run_for_the_next_load(admin_client, use_model, make_entry):
    use_model("seq2seq")
    entry = make_entry("post")
    page = admin_client.post(reverse(URL), {**PLAYGROUND_KNOBS, "entry": entry.pk, "run": "1"}).content.decode()
    load_form = page.split('<form method="get"', 1)[1].split("</form>", 1)[0]
    assert f'name="entry" value="{entry.pk}"' in load_form


def test_it_judges_only_what_save_needs_and_keeps_the_text(admin_client):
    response = admin_client.post(reverse(URL), {**PLAYGROUND_KNOBS, "title": "Kept", "name": "", "save": "1"})
    page = response.content.decode()
    assert "Name the new profile to save this tweak." in page
    assert "Pick an entry or paste a text to summarize." not in page
    assert 'name="title" value="Kept"' in page
