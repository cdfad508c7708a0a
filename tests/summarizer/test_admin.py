from django.urls import reverse

from summarizer import drafting
from summarizer.models import DecodingProfile, Draft
from tests.support.sample_texts import PLAYGROUND_KNOBS


def entry_url(entry):
    return reverse("admin:feeds_entry_change", args=[entry.pk])


def test_it_shows_drafts_side_by_side_with_parameters_and_flags(admin_client, use_model, make_entry):
    use_model("seq2seq")
    entry = make_entry("paper")
    drafting.draft_entries([entry.pk], DecodingProfile.objects.get(name="Greedy"))
    drafting.draft_entries([entry.pk], DecodingProfile.objects.get(name="Nucleus 0.9"))
    Draft.objects.filter(entry=entry, profile_name="Greedy").update(flags=["GPT-7"])
    page = admin_client.get(entry_url(entry)).content.decode()
    # Random-weight drafts invent words, so each run also saved the extract shown above them.
    assert page.count('class="draft-card') == Draft.objects.filter(entry=entry).count() >= 2
    assert "Greedy" in page and "Nucleus 0.9" in page
    assert "no repeated 3-grams" in page
    assert "top-p 0.9" in page and "seed 42" in page
    assert "Check: GPT-7" in page
    assert "Draft again" in page


def test_it_marks_fallback_drafts_and_states_the_reason_once(admin_client, make_entry):
    entry = make_entry("paper")
    drafting.draft_entries([entry.pk])
    drafting.draft_entries([entry.pk])
    page = admin_client.get(entry_url(entry)).content.decode()
    assert page.count('class="draft-card fallback"') == 2
    assert page.count("SUMMARIZER_MODEL is not set") == 1


def test_it_drafts_again_with_the_chosen_profile(
    admin_client, use_model, make_entry, django_capture_on_commit_callbacks
):
    use_model("seq2seq")
    entry = make_entry("post")
    contrastive = DecodingProfile.objects.get(name="Contrastive")
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("admin:feeds_entry_draft_again", args=[entry.pk]), {"draft_profile": contrastive.pk}
        )
    assert response.status_code == 302
    assert response["Location"].startswith(entry_url(entry))
    draft = Draft.objects.get(entry=entry, engine=Draft.Engine.MODEL)
    assert draft.profile == contrastive and draft.parameters["penalty_alpha"] == 0.6


def test_it_offers_a_draft_with_profile_action_with_an_intermediate_page(
    admin_client, use_model, make_entry, django_capture_on_commit_callbacks
):
    use_model("seq2seq")
    entries = [make_entry("paper"), make_entry("post")]
    changelist = reverse("admin:feeds_entry_changelist")
    selection = {"action": "draft_with_profile", "_selected_action": [e.pk for e in entries]}
    page = admin_client.post(changelist, selection)
    assert page.status_code == 200
    assert b"Draft blurbs with profile" in page.content
    assert not Draft.objects.exists()
    greedy = DecodingProfile.objects.get(name="Greedy")
    with django_capture_on_commit_callbacks(execute=True):
        done = admin_client.post(changelist, {**selection, "apply": "1", "profile": greedy.pk})
    assert done.status_code == 302
    assert Draft.objects.filter(profile=greedy).count() == 2


def test_it_rejects_an_incoherent_profile_in_the_admin_form(admin_client):
    response = admin_client.post(
        reverse("admin:summarizer_decodingprofile_add"),
        {
            "name": "Broken",
            "strategy": "beam",
            "num_beams": 1,
            "num_return_sequences": 1,
            "temperature": 0.5,
            "repetition_penalty": 1.0,
            "no_repeat_ngram_size": 0,
            "length_penalty": 1.0,
            "min_new_tokens": 0,
            "max_new_tokens": 60,
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Beam search needs between 2 and 16 beams." in page
    assert "Temperature only applies to sampling strategies" in page
    assert not DecodingProfile.objects.filter(name="Broken").exists()


def test_it_explains_each_knob_on_the_profile_page(admin_client):
    profile = DecodingProfile.objects.get(is_default=True)
    page = admin_client.get(reverse("admin:summarizer_decodingprofile_change", args=[profile.pk])).content.decode()
    assert "Never repeat any run of this many words" in page
    assert "draw among the smallest set of words" in page


def test_it_shows_playground_results_for_pasted_text(admin_client, use_model):
    use_model("seq2seq")
    url = reverse("admin:summarizer_decodingprofile_playground")
    assert admin_client.get(url).status_code == 200
    response = admin_client.post(
        url, {**PLAYGROUND_KNOBS, "title": "Pasted", "text": "Diffusion models denoise images.", "run": "1"}
    )
    page = response.content.decode()
    assert page.count('class="result"') == 2
    assert "8 tokens" in page and "seed 11" in page
    assert not Draft.objects.exists()


def test_it_runs_the_playground_on_an_entry(admin_client, use_model, make_entry):
    use_model("causal")
    entry = make_entry("post")
    response = admin_client.post(
        reverse("admin:summarizer_decodingprofile_playground"), {**PLAYGROUND_KNOBS, "entry": entry.pk, "run": "1"}
    )
    assert response.content.decode().count('class="result"') == 2


def test_it_shows_knob_errors_in_the_playground(admin_client):
    response = admin_client.post(
        reverse("admin:summarizer_decodingprofile_playground"),
        {**PLAYGROUND_KNOBS, "top_k": "", "text": "Some text.", "run": "1"},
    )
    assert "Top-k sampling needs top-k" in response.content.decode()


def test_it_saves_a_playground_tweak_as_a_new_profile(admin_client):
    response = admin_client.post(
        reverse("admin:summarizer_decodingprofile_playground"),
        {**PLAYGROUND_KNOBS, "name": "Short and varied", "description": "From the playground", "save": "1"},
    )
    profile = DecodingProfile.objects.get(name="Short and varied")
    assert response.status_code == 302
    assert (profile.strategy, profile.top_k, profile.seed, profile.is_default) == ("top_k", 30, 11, False)


def test_it_refuses_a_duplicate_profile_name_from_the_playground(admin_client):
    response = admin_client.post(
        reverse("admin:summarizer_decodingprofile_playground"), {**PLAYGROUND_KNOBS, "name": "Greedy", "save": "1"}
    )
    assert "already exists" in response.content.decode()
    assert DecodingProfile.objects.filter(name="Greedy").count() == 1


def test_it_keeps_the_playground_from_staff_without_permission(client, editor):
    editor.user_permissions.clear()
    editor.groups.clear()
    client.force_login(editor)
    assert client.get(reverse("admin:summarizer_decodingprofile_playground")).status_code == 403
