import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("mailing", "0007_subscriber_confirm_nonce"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="SubscriberImport",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("filename", models.CharField(max_length=255)),
                (
                    "as_status",
                    models.CharField(
                        choices=[
                            ("pending", "pending confirmation"),
                            ("active", "active"),
                            ("unsubscribed", "unsubscribed"),
                            ("bounced", "bounced"),
                        ],
                        max_length=20,
                        verbose_name="import as",
                    ),
                ),
                ("data", models.BinaryField()),
                ("sha256", models.CharField(max_length=64)),
                (
                    "state",
                    models.CharField(
                        choices=[("queued", "queued"), ("running", "running"), ("done", "done"), ("failed", "failed")],
                        default="queued",
                        max_length=10,
                    ),
                ),
                ("total_rows", models.PositiveIntegerField(default=0, help_text="Lines in the file after the header.")),
                ("processed_rows", models.PositiveIntegerField(default=0)),
                ("created_count", models.PositiveIntegerField(default=0)),
                ("duplicate_count", models.PositiveIntegerField(default=0)),
                ("error_count", models.PositiveIntegerField(default=0)),
                (
                    "errors",
                    models.JSONField(blank=True, default=list, help_text="[line, problem] for the first rows refused."),
                ),
                ("failure", models.TextField(blank=True, help_text="Why the file as a whole could not be imported.")),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("started_at", models.DateTimeField(blank=True, null=True)),
                ("finished_at", models.DateTimeField(blank=True, null=True)),
                (
                    "created_by",
                    models.ForeignKey(
                        blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, to=settings.AUTH_USER_MODEL
                    ),
                ),
            ],
            options={
                "ordering": ["-created_at"],
            },
        ),
    ]
