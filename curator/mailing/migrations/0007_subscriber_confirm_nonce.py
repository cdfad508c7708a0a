from django.db import migrations, models

import curator.mailing.models


class Migration(migrations.Migration):
    """Existing rows keep an empty nonce, which the links already in their inboxes (carrying none)
    still match while the row is pending; every new sign-up gets a random one."""

    dependencies = [
        ("mailing", "0006_publisher_provider_events"),
    ]

    operations = [
        migrations.AddField(
            model_name="subscriber",
            name="confirm_nonce",
            field=models.CharField(blank=True, default="", editable=False, max_length=32),
        ),
        migrations.AlterField(
            model_name="subscriber",
            name="confirm_nonce",
            field=models.CharField(
                blank=True, default=curator.mailing.models.new_confirm_nonce, editable=False, max_length=32
            ),
        ),
    ]
