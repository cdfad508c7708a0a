"""Install the shipped decoding presets; the faithful beam-search one becomes the default."""

from django.db import migrations


def install(apps, schema_editor):
    from summarizer import presets

    presets.install(apps.get_model("summarizer", "DecodingProfile"))


def uninstall(apps, schema_editor):
    from summarizer.presets import PRESETS

    DecodingProfile = apps.get_model("summarizer", "DecodingProfile")
    DecodingProfile.objects.filter(name__in=[p["name"] for p in PRESETS], drafts__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("summarizer", "0002_profile_help_texts")]

    operations = [migrations.RunPython(install, uninstall)]
