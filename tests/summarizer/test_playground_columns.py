"""The playground runs several profiles on one entry in one Generate and shows them side by side."""

from __future__ import annotations

import html
import re

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from summarizer.models import DecodingProfile, PlaygroundRun
from tests.support.sample_texts import PLAYGROUND_KNOBS

URL = "admin:summarizer_decodingprofile_playground"


def profile_id(name: str) -> str:
    return str(DecodingProfile.objects.get(name=name).pk)


def column_titles(page: str) -> list[str]:
    return [
        html.unescape(re.sub(r"<[^>]+>", "", title)).strip()
        for title in re.findall(r'<article class="column[^"]*">\s*<h3>(.*?)</h3>', page, re.S)
    ]


def generate(client, **fields):
    response = client.post(reverse(URL), {**PLAYGROUND_KNOBS, "run": "1", **fields})
    assert response.status_code == 200
    return response.content.decode()


def test_it_ticks_the_default_profile_and_two_others_at_first(admin_client):
    page = admin_client.get(reverse(URL)).content.decode()
    ticked = re.findall(r'<input type="checkbox" name="columns" value="([^"]+)"[^>]*checked', page)
    default = DecodingProfile.objects.get(is_default=True)
    assert ticked == [str(default.pk), profile_id("Contrastive"), profile_id("Greedy")]
    assert 'value="knobs"' in page


def test_it_ticks_the_loaded_profile_and_the_knobs_after_load(admin_client):
    greedy = profile_id("Greedy")
    page = admin_client.get(reverse(URL), {"profile": greedy}).content.decode()
    ticked = re.findall(r'<input type="checkbox" name="columns" value="([^"]+)"[^>]*checked', page)
    assert ticked == [greedy, "knobs"]


def test_it_shows_one_column_per_ticked_profile(admin_client, use_model, make_entry):
    use_model("seq2seq")
    entry = make_entry("paper")
    page = generate(admin_client, entry=entry.pk, columns=[profile_id("Greedy"), profile_id("Top-k 50"), "knobs"])
    assert column_titles(page) == ["Greedy", "Top-k 50", "The knobs below"]
    # Top-k 50 returns two alternatives, the knobs two as well: 1 + 2 + 2 drafts.
    assert page.count('class="result"') == 5
    assert len(re.findall(r" tokens? in", page)) == 3 and len(re.findall(r" tokens? out", page)) == 5
    assert re.search(r"Model: [^<]*tiny-bart", page)
    assert reverse("admin:summarizer_playgroundrun_changelist") in page
    assert "Not run" not in page


def test_it_keeps_every_column_of_every_run_in_the_history(admin_client, admin_user, use_model, make_entry):
    use_model("seq2seq")
    entry = make_entry("paper")
    generate(admin_client, entry=entry.pk, columns=[profile_id("Greedy"), profile_id("Nucleus 0.9")])
    generate(admin_client, entry=entry.pk, columns=["knobs"])
    runs = list(PlaygroundRun.objects.order_by("id"))
    assert [run.parameters["strategy"] for run in runs] == ["greedy", "top_p", "top_k"]
    assert {run.entry_id for run in runs} == {entry.pk}
    assert {run.created_by_id for run in runs} == {admin_user.pk}
    assert all(run.outputs and run.engine == "model" for run in runs)
    assert len(runs[2].outputs) == 2


def test_it_runs_the_knobs_when_nothing_is_ticked(admin_client, use_model):
    use_model("seq2seq")
    page = generate(admin_client, text="Diffusion models denoise images.")
    assert column_titles(page) == ["The knobs below"]


def test_it_says_when_two_profiles_gave_the_same_text(admin_client, use_model, make_entry):
    use_model("seq2seq")
    entry = make_entry("paper")
    greedy = DecodingProfile.objects.get(name="Greedy")
    knobs = {**PLAYGROUND_KNOBS, "strategy": "greedy", "num_return_sequences": 1, "top_k": "", "temperature": 1.0}
    knobs |= {"seed": "", "no_repeat_ngram_size": greedy.no_repeat_ngram_size, "min_new_tokens": 0}
    knobs |= {"max_new_tokens": greedy.max_new_tokens}
    page = generate(admin_client, **knobs, entry=entry.pk, columns=[str(greedy.pk), "knobs"])
    assert column_titles(page) == ["Greedy", "The knobs below"]
    assert "Same text as “Greedy”." in page


def test_it_shows_the_offline_extract_once_for_all_profiles(admin_client, make_entry):
    entry = make_entry("paper")
    chosen = [profile_id("Greedy"), profile_id("Nucleus 0.9"), profile_id("Contrastive")]
    page = generate(admin_client, entry=entry.pk, columns=chosen)
    assert column_titles(page) == ["Offline extract"]
    assert "every decoding profile gives this same text" in page
    assert "Not run: Greedy, Nucleus 0.9: without a model every profile gives this same extract." in page
    results = page.split('id="results"', 1)[1].split('id="paste"', 1)[0]
    assert "SUMMARIZER_MODEL" not in re.sub(r'title="[^"]*"', "", results)  # in the results, a tooltip only
    run = PlaygroundRun.objects.get()
    assert (run.engine, run.parameters["strategy"]) == ("fallback", "contrastive")


def test_it_leaves_out_the_columns_past_the_time_limit(admin_client, settings, use_model, make_entry):
    use_model("seq2seq")
    settings.SUMMARIZER_PLAYGROUND_SECONDS = 0
    entry = make_entry("paper")
    page = generate(admin_client, entry=entry.pk, columns=[profile_id("Greedy"), profile_id("Contrastive")])
    assert column_titles(page) == ["Contrastive"]  # the list's order, whatever order they were ticked in
    assert "Not run: Greedy: the columns before used up this page&#x27;s 0-second limit" in page
    assert PlaygroundRun.objects.count() == 1


def test_it_explains_a_profile_whose_settings_do_not_hold(admin_client, use_model, make_entry):
    use_model("seq2seq")
    broken = DecodingProfile.objects.create(name="Broken", strategy="top_k", top_k=None, max_new_tokens=8)
    entry = make_entry("paper")
    page = generate(admin_client, entry=entry.pk, columns=[str(broken.pk), profile_id("Greedy")])
    assert column_titles(page) == ["Greedy"]
    assert "Not run: Broken: its settings do not hold together (" in page
    assert PlaygroundRun.objects.count() == 1


def test_it_explains_a_profile_deleted_since_the_page_was_loaded(admin_client, make_entry):
    gone = DecodingProfile.objects.create(name="Gone", strategy="greedy")
    gone_id = str(gone.pk)
    gone.delete()
    entry = make_entry("paper")
    page = generate(admin_client, entry=entry.pk, columns=[gone_id, profile_id("Greedy")], title="Kept title")
    assert "A ticked profile no longer exists (deleted meanwhile); tick again." in page
    assert column_titles(page) == [] and not PlaygroundRun.objects.exists()
    assert f'<option value="{entry.pk}" selected>' in page and 'value="Kept title"' in page
    assert re.search(rf'value="{profile_id("Greedy")}"[^>]*checked', page)


def test_it_escapes_markup_from_the_entry(admin_client, make_entry):
    hostile = '<img src=x onerror="alert(1)"><script>alert(2)</script>'
    entry = make_entry(
        "post",
        title=f"Attention {hostile}",
        full_text=f"Attention heads are pruned {hostile} at no cost. The pruned model runs twice as fast.",
    )
    page = generate(admin_client, entry=entry.pk, columns=[profile_id("Greedy")])
    assert "<img src=x" not in page and "<script>alert" not in page
    results = page.split('id="results"', 1)[1].split('id="paste"', 1)[0]
    assert "pruned &lt;img src=x onerror=&quot;alert(1)&quot;&gt;&lt;script&gt;alert(2)&lt;/script&gt;" in results
    assert "Offline extract" in results


def test_it_refuses_a_staff_member_without_the_profile_permission(client, django_user_model, make_entry):
    clerk = django_user_model.objects.create_user("clerk", password="pw-clerk", is_staff=True)
    clerk.user_permissions.add(Permission.objects.get(codename="view_entry"))
    client.force_login(clerk)
    entry = make_entry("paper")
    assert client.get(reverse(URL)).status_code == 403
    response = client.post(reverse(URL), {**PLAYGROUND_KNOBS, "entry": entry.pk, "run": "1"})
    assert response.status_code == 403
    assert not PlaygroundRun.objects.exists()


def test_it_sends_a_reader_to_the_login_page(client, django_user_model):
    reader = django_user_model.objects.create_user("reader", password="pw-reader")
    client.force_login(reader)
    response = client.post(reverse(URL), {**PLAYGROUND_KNOBS, "text": "Some text.", "run": "1"})
    assert response.status_code == 302 and reverse("admin:login") in response["Location"]
    assert not PlaygroundRun.objects.exists()


def test_it_lets_an_editor_compare_but_not_save_a_profile(editor_client, make_entry):
    entry = make_entry("paper")
    page = generate(editor_client, entry=entry.pk, columns=[profile_id("Greedy")])
    assert column_titles(page) == ["Offline extract"]
    assert "Every run is kept." in page  # the history page itself is for admins: no link to a refusal
    response = editor_client.post(reverse(URL), {**PLAYGROUND_KNOBS, "name": "Mine", "save": "1"})
    assert response.status_code == 403
    assert not DecodingProfile.objects.filter(name="Mine").exists()


SERVER_KNOBS = {  # knobs a plain OpenAI-compatible server honours
    **PLAYGROUND_KNOBS,
    "strategy": "top_p",
    "top_p": 0.9,
    "top_k": "",
    "temperature": 0.8,
    "num_return_sequences": 1,
    "no_repeat_ngram_size": 0,
    "min_new_tokens": 0,
    "max_new_tokens": 40,
}
SERVER_TEXT = "Sparse Ladder Attention reads long documents with 40% less memory."


@pytest.fixture
def server_beside(openai_api, settings):
    """A local OpenAI-compatible server configured beside the worker's model (backend transformers)."""
    script = openai_api({"text": SERVER_TEXT})
    settings.SUMMARIZER_BACKEND = "transformers"
    settings.SUMMARIZER_API_MODEL = "served-model"
    settings.SUMMARIZER_API_TIMEOUT = 10.0
    return script


def test_it_runs_the_servers_model_next_to_the_workers(admin_client, use_model, make_entry, server_beside):
    use_model("seq2seq")
    assert 'value="server"' in admin_client.get(reverse(URL)).content.decode()
    entry = make_entry("paper")
    page = generate(admin_client, **SERVER_KNOBS, entry=entry.pk, columns=[profile_id("Greedy"), "server"])
    assert column_titles(page) == ["Greedy", "The server's model (served-model)"]
    assert SERVER_TEXT in page and "tiny-bart" in page and "served-model" in page
    (request,) = server_beside.requests
    assert (request["model"], request["top_p"], request["temperature"], request["seed"]) == (
        "served-model",
        0.9,
        0.8,
        11,
    )
    assert entry.title in request["messages"][-1]["content"]
    runs = PlaygroundRun.objects.order_by("pk")
    assert [run.outputs[0]["backend"] for run in runs] == ["transformers", "openai"]


def test_it_says_which_knob_the_server_refuses_instead_of_running_it(admin_client, make_entry, server_beside):
    page = generate(admin_client, entry=make_entry("paper").pk, columns=["server"])  # top-k, no-repeat n-grams
    assert column_titles(page) == []
    (line,) = re.findall(r'<p class="skipped">(.*?)</p>', html.unescape(page), re.S)
    assert line.startswith("Not run: The server's model (served-model): The ")
    for knob in ("top-k knob", "no-repeat n-gram knob", "min new tokens knob"):
        assert f"The {knob} cannot be used with the openai backend" in line
    assert line.endswith("Change the knobs below to run the server.")
    assert server_beside.requests == []


def test_it_runs_the_servers_column_when_the_worker_has_no_model(admin_client, make_entry, server_beside):
    page = admin_client.get(reverse(URL)).content.decode()
    assert 'id="knobs-idle"' not in page  # the knobs still matter: the server's column uses them
    page = generate(
        admin_client, **SERVER_KNOBS, entry=make_entry("paper").pk, columns=[profile_id("Greedy"), "server"]
    )
    assert column_titles(page) == ["Offline extract", "The server's model (served-model)"]
    assert SERVER_TEXT in page


def test_it_offers_the_servers_column_only_beside_the_workers_model(admin_client, settings):
    settings.SUMMARIZER_API_BASE = ""
    assert 'value="server"' not in admin_client.get(reverse(URL)).content.decode()
    settings.SUMMARIZER_API_BASE = "http://inference.internal:8000/v1"
    settings.SUMMARIZER_API_MODEL = "served-model"
    settings.SUMMARIZER_BACKEND = "openai"  # every column is drafted on the server already
    assert 'value="server"' not in admin_client.get(reverse(URL)).content.decode()
