"""Install the shipped decoding presets; the faithful beam-search one becomes the default."""

from django.db import migrations


def install(apps, schema_editor):
    from summarizer.presets import PRESETS

    DecodingProfile = apps.get_model("summarizer", "DecodingProfile")
    has_default = DecodingProfile.objects.filter(is_default=True).exists()
    for preset in PRESETS:
        values = dict(preset)
        if has_default:
            values["is_default"] = False
        DecodingProfile.objects.get_or_create(name=values.pop("name"), defaults=values)


def uninstall(apps, schema_editor):
    from summarizer.presets import PRESETS

    DecodingProfile = apps.get_model("summarizer", "DecodingProfile")
    DecodingProfile.objects.filter(name__in=[p["name"] for p in PRESETS], drafts__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("summarizer", "0002_profile_help_texts")]

    operations = [migrations.RunPython(install, uninstall)]
