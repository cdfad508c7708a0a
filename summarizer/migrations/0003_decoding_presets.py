"""Install the shipped decoding presets; the faithful beam-search one becomes the default.

A frozen copy of the presets as shipped then (summarizer/presets.py may change later).
"""

from django.db import migrations

DEFAULT_PRESET = {
    "name": "Faithful (beam search)",
    "description": "Four beams, never repeats three words in a row. Sticks closest to the source; the default.",
    "strategy": "beam",
    "num_beams": 4,
    "no_repeat_ngram_size": 3,
    "length_penalty": 1.0,
    "early_stopping": True,
    "min_new_tokens": 20,
    "max_new_tokens": 96,
    "is_default": True,
}

PRESETS = [
    DEFAULT_PRESET,
    {
        "name": "Greedy",
        "description": "Always the most likely next word. Fast and repeatable; can loop on long inputs.",
        "strategy": "greedy",
        "no_repeat_ngram_size": 3,
        "max_new_tokens": 96,
    },
    {
        "name": "Nucleus 0.9",
        "description": "Samples among the words covering 90% of the probability. Fresher wording; seeded.",
        "strategy": "top_p",
        "top_p": 0.9,
        "temperature": 0.8,
        "no_repeat_ngram_size": 3,
        "max_new_tokens": 96,
        "seed": 42,
    },
    {
        "name": "Top-k 50",
        "description": "Samples among the 50 most likely words. Two alternatives per entry to choose from.",
        "strategy": "top_k",
        "top_k": 50,
        "temperature": 0.9,
        "num_return_sequences": 2,
        "no_repeat_ngram_size": 3,
        "max_new_tokens": 96,
        "seed": 7,
    },
    {
        "name": "Contrastive",
        "description": "Picks likely words that are unlike what was already said: fluent and rarely repetitive.",
        "strategy": "contrastive",
        "top_k": 4,
        "penalty_alpha": 0.6,
        "max_new_tokens": 96,
    },
]


def install(apps, schema_editor):
    DecodingProfile = apps.get_model("summarizer", "DecodingProfile")
    has_default = DecodingProfile.objects.filter(is_default=True).exists()
    for preset in PRESETS:
        values = dict(preset)
        if has_default:
            values["is_default"] = False
        DecodingProfile.objects.get_or_create(name=values.pop("name"), defaults=values)


def uninstall(apps, schema_editor):
    DecodingProfile = apps.get_model("summarizer", "DecodingProfile")
    DecodingProfile.objects.filter(name__in=[p["name"] for p in PRESETS], drafts__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("summarizer", "0002_profile_help_texts")]

    operations = [migrations.RunPython(install, uninstall)]
