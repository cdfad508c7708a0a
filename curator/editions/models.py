"""Monthly issues, their sections and the picks inside them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class Issue(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "draft"
        READY = "ready", "ready"
        SENDING = "sending", "sending"
        SENT = "sent", "sent"

    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    month = models.DateField(help_text="First day of the month this issue covers.")
    intro = models.TextField(blank=True, help_text="Editorial intro, Markdown.")
    sign_off = models.TextField(blank=True, help_text="Closing words, Markdown.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True)
    paused = models.BooleanField(default=False, help_text="Sending is paused.")
    sent_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-month", "-id"]
        permissions = [("send_issue", "Can send an issue to subscribers")]

    def __str__(self) -> str:
        return self.title


class Section(models.Model):
    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="sections")
    title = models.CharField(max_length=200)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.title


class Pick(models.Model):
    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="picks")
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="picks")
    entry = models.ForeignKey("feeds.Entry", null=True, blank=True, on_delete=models.SET_NULL, related_name="picks")
    title = models.CharField(max_length=1000)
    url = models.URLField(max_length=2000, blank=True)
    blurb = models.TextField(blank=True, help_text="Markdown.")
    byline = models.CharField(max_length=200, blank=True)
    position = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["section__position", "position", "id"]

    def __str__(self) -> str:
        return self.title
