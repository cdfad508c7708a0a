"""Experiments: drafting every new entry with A and B, and Playground runs kept as records."""

import os
import subprocess
import sys

import pytest
from django.urls import reverse

from curator.feeds.signals import entries_created
from summarizer.models import DecodingProfile, Draft, PlaygroundRun
from tests.support.sample_texts import PLAYGROUND_KNOBS


def profiles(*names: str) -> list[DecodingProfile]:
    return [DecodingProfile.objects.create(name=name, strategy="greedy") for name in names]


def test_it_drafts_every_new_entry_with_profiles_a_and_b(settings, make_entry, django_capture_on_commit_callbacks):
    profiles("Terse", "Chatty")
    settings.SUMMARIZER_AB_PROFILES = ["Terse", "Chatty"]
    entries = [make_entry("paper"), make_entry("post")]
    with django_capture_on_commit_callbacks(execute=True):
        entries_created.send(sender=None, entry_ids=[e.pk for e in entries])
    for entry in entries:
        # Without a model the drafts are extracts, labelled as such, but each keeps the profile it was asked for.
        assert sorted(Draft.objects.filter(entry=entry).values_list("profile__name", flat=True)) == ["Chatty", "Terse"]


def test_it_drafts_with_the_default_profile_without_an_experiment(
    settings, make_entry, django_capture_on_commit_callbacks
):
    settings.SUMMARIZER_AB_PROFILES = []
    entry = make_entry("paper")
    with django_capture_on_commit_callbacks(execute=True):
        entries_created.send(sender=None, entry_ids=[entry.pk])
    assert list(Draft.objects.values_list("profile", flat=True)) == [DecodingProfile.default().pk]


def test_it_falls_back_to_the_default_when_the_experiment_names_unknown_profiles(
    settings, make_entry, django_capture_on_commit_callbacks, caplog
):
    settings.SUMMARIZER_AB_PROFILES = ["Gone", "Missing"]
    entry = make_entry("paper")
    with django_capture_on_commit_callbacks(execute=True):
        entries_created.send(sender=None, entry_ids=[entry.pk])
    assert list(Draft.objects.values_list("profile", flat=True)) == [DecodingProfile.default().pk]
    assert "unknown profiles" in caplog.text


def test_it_refuses_an_experiment_that_does_not_name_two_profiles():
    env = {**os.environ, "SUMMARIZER_AB_PROFILES": "OnlyOne"}
    result = subprocess.run(
        [sys.executable, "-c", "import curator.settings"], env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode != 0
    assert "name exactly two profiles" in result.stderr


def test_it_keeps_every_playground_run_as_a_record(admin_client, admin_user):
    url = reverse("admin:summarizer_decodingprofile_playground")
    text = "Diffusion models denoise images step by step. They are slow but good."
    admin_client.post(url, {**PLAYGROUND_KNOBS, "title": "Pasted", "text": text, "run": "1"})
    admin_client.post(url, {**PLAYGROUND_KNOBS, "top_k": "", "text": text, "run": "1"})  # invalid: not run, not kept

    run = PlaygroundRun.objects.get()
    assert (run.created_by, run.title, run.engine) == (admin_user, "Pasted", "fallback")
    assert (run.parameters["strategy"], run.parameters["top_k"], run.parameters["seed"]) == ("top_k", 30, 11)
    assert len(run.input_hash) == 64 and run.outputs[0]["text"]
    assert not Draft.objects.exists()


def test_it_lists_and_filters_playground_runs(admin_client, admin_user):
    PlaygroundRun.objects.create(title="Fallback run", input_hash="a" * 64, engine="fallback", model_id="fallback:x")
    PlaygroundRun.objects.create(title="Model run", input_hash="b" * 64, engine="model", model_id="tiny-t5")
    url = reverse("admin:summarizer_playgroundrun_changelist")
    html = admin_client.get(url, {"engine": "model"}).content.decode()
    assert "Model run" in html and "Fallback run" not in html
    assert "Save as profile…" in html


def test_it_saves_a_profile_from_any_run(admin_client):
    run = PlaygroundRun.objects.create(
        input_hash="c" * 64,
        engine="model",
        parameters={**PLAYGROUND_KNOBS, "typical_p": None, "penalty_alpha": None, "top_p": None},
    )
    url = reverse("admin:summarizer_playgroundrun_save_as_profile", args=[run.pk])
    assert admin_client.get(url).status_code == 200
    response = admin_client.post(url, {"name": "From run", "description": "kept"})
    profile = DecodingProfile.objects.get(name="From run")
    assert response.status_code == 302
    assert (profile.strategy, profile.top_k, profile.seed, profile.is_default) == ("top_k", 30, 11, False)


def test_it_refuses_to_save_a_run_whose_knobs_no_longer_validate(admin_client):
    run = PlaygroundRun.objects.create(input_hash="d" * 64, engine="model", parameters={"strategy": "top_k"})
    url = reverse("admin:summarizer_playgroundrun_save_as_profile", args=[run.pk])
    response = admin_client.post(url, {"name": "Broken"})
    assert response.status_code == 200
    assert "Top-k sampling needs top-k" in response.content.decode()
    assert not DecodingProfile.objects.filter(name="Broken").exists()


def test_it_refuses_a_duplicate_profile_name_from_a_run(admin_client):
    run = PlaygroundRun.objects.create(input_hash="e" * 64, engine="model", parameters=dict(PLAYGROUND_KNOBS))
    name = DecodingProfile.default().name
    response = admin_client.post(
        reverse("admin:summarizer_playgroundrun_save_as_profile", args=[run.pk]), {"name": name}
    )
    assert "already exists" in response.content.decode()


@pytest.mark.django_db
def test_it_forbids_saving_without_the_add_profile_permission(client, django_user_model):
    viewer = django_user_model.objects.create_user("viewer", "v@example.org", "pw", is_staff=True)
    run = PlaygroundRun.objects.create(input_hash="f" * 64, engine="model", parameters=dict(PLAYGROUND_KNOBS))
    client.force_login(viewer)
    url = reverse("admin:summarizer_playgroundrun_save_as_profile", args=[run.pk])
    assert client.post(url, {"name": "Sneaky"}).status_code == 403
