"""Monthly issues, their sections and the picks inside them."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.text import slugify

from curator.editions import naming


class WorkflowError(Exception):
    """An editorial step that the issue's state does not allow; the message is shown to the editor."""


class IssueLocked(WorkflowError):
    """Raised on any attempt to change what a sending or sent issue contains."""


class Issue(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "draft"
        READY = "ready", "ready"
        SENDING = "sending", "sending"
        SENT = "sent", "sent"

    # Once sending starts, every subscriber must get the same content the archive shows.
    LOCKED_STATUSES = (Status.SENDING, Status.SENT)
    EDITABLE_STATUSES = (Status.DRAFT, Status.READY)

    title = models.CharField(max_length=200)
    slug = models.SlugField(
        "web address",
        max_length=200,
        unique=True,
        blank=True,
        help_text="The last part of the issue's public address (/issues/...). Left empty: built from month and title.",
    )
    month = models.DateField(help_text="The month this issue covers (stored as its first day).")
    intro = models.TextField(blank=True, help_text="Editorial intro, Markdown.")
    sign_off = models.TextField(blank=True, help_text="Closing words, Markdown.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True)
    paused = models.BooleanField(default=False, help_text="Sending is paused.")
    sent_at = models.DateTimeField(null=True, blank=True)
    ready_fingerprint = models.CharField(
        max_length=64, blank=True, editable=False, help_text="Content fingerprint when it was marked ready."
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    due_at = models.DateTimeField(
        "due date",
        null=True,
        blank=True,
        help_text="When the blurbs must be written; reminders go out a few days before. A scheduled send counts too.",
    )
    # Who marked it ready, who approved which content (the team's sign-off, curator/team/approval.py).
    ready_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    approved_at = models.DateTimeField(null=True, blank=True, editable=False)
    approved_fingerprint = models.CharField(max_length=64, blank=True, editable=False)
    approval_cleared_note = models.CharField(max_length=300, blank=True, editable=False)
    # An editor's reason for marking ready while a link check still failed.
    link_override_note = models.CharField(max_length=500, blank=True, editable=False)

    class Meta:
        ordering = ["-month", "-id"]
        permissions = [("send_issue", "Can send an issue to subscribers")]

    def __str__(self) -> str:
        return self.short_name if self.month else self.title

    def save(self, *args, **kwargs) -> None:
        """Normalise the month, fill the slug and give a brand-new issue its default sections."""
        if self.month:
            self.month = first_of_month(self.month)
        if not self.slug and self.title and self.month:
            self.slug = unique_slug(self.title, self.month, exclude_pk=self.pk)
        creating = self._state.adding
        super().save(*args, **kwargs)
        if creating:
            Section.objects.bulk_create(
                Section(issue=self, title=title, position=index)
                for index, title in enumerate(settings.EDITIONS_DEFAULT_SECTIONS)
            )

    @property
    def short_name(self) -> str:
        """Title and month, each said once (`November 2026`, `Agents special — November 2026`)."""
        return naming.short_name(self.title, self.month)

    @property
    def display_name(self) -> str:
        """What readers see: `Recommended Reading — November 2026`."""
        return naming.display_name(self.title, self.month)

    @property
    def is_locked(self) -> bool:
        return self.status in self.LOCKED_STATUSES


def first_of_month(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def unique_slug(title: str, month: datetime.date, exclude_pk: int | None = None) -> str:
    """`2026-11-recommended-reading`, with -2, -3... when two issues of a month share a title.

    A month written into the title is left out: the slug starts with it already.
    """
    base = slugify(f"{month:%Y-%m} {naming.title_remainder(title, month, site_name='')}")[:190].strip("-")
    base = base or f"{month:%Y-%m}"
    taken = set(Issue.objects.filter(slug__startswith=base).exclude(pk=exclude_pk).values_list("slug", flat=True))  # type: ignore[misc]  # pk=None excludes nothing
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def assert_issue_editable(issue_id: int) -> None:
    """Reads the stored status: the in-memory object may predate a send that just started."""
    status = Issue.objects.filter(pk=issue_id).values_list("status", flat=True).first()
    if status in Issue.LOCKED_STATUSES:
        raise IssueLocked(f"Issue {issue_id} is {status}: its content can no longer change.")


class Section(models.Model):
    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="sections")
    title = models.CharField(max_length=200)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        if self.issue_id:
            assert_issue_editable(self.issue_id)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        assert_issue_editable(self.issue_id)
        return super().delete(*args, **kwargs)


class Pick(models.Model):
    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="picks")
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="picks")
    entry = models.ForeignKey("feeds.Entry", null=True, blank=True, on_delete=models.SET_NULL, related_name="picks")
    title = models.CharField(max_length=1000)
    url = models.URLField(max_length=2000, blank=True)
    blurb = models.TextField(blank=True, help_text="Markdown.")
    byline = models.CharField(max_length=200, blank=True, help_text="Who chose it; defaults to you.")
    position = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["section__position", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["issue", "entry"], condition=models.Q(entry__isnull=False), name="pick_unique_issue_entry"
            )
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        assert_issue_editable(self.issue_id)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        assert_issue_editable(self.issue_id)
        return super().delete(*args, **kwargs)

    def clean(self) -> None:
        if self.section_id and self.issue_id and self.section.issue_id != self.issue_id:
            raise ValidationError({"section": "This section belongs to another issue."})
        if not self.entry_id and not self.url:
            raise ValidationError({"url": "A hand-added link needs a URL."})


class LinkCheck(models.Model):
    """The last check of one pick's link: what the issue page shows and what *Mark ready* reads."""

    pick = models.OneToOneField(Pick, on_delete=models.CASCADE, related_name="link_check")
    url = models.URLField(max_length=2000)
    ok = models.BooleanField(default=False)
    status = models.PositiveIntegerField(null=True, blank=True)
    final_url = models.URLField(max_length=2000, blank=True)
    error = models.CharField(max_length=500, blank=True)
    elapsed = models.FloatField(default=0.0)
    checked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "link check"

    def __str__(self) -> str:
        return self.url

    @property
    def redirected(self) -> bool:
        return bool(self.ok and self.final_url and self.final_url != self.url)

    @property
    def slow(self) -> bool:
        return self.ok and self.elapsed >= settings.TEAM_LINKCHECK_SLOW_SECONDS


class TeamReminder(models.Model):
    """One reminder email per member, issue and day: the unique row is what makes it go out once."""

    class Kind(models.TextChoices):
        WRITER = "writer", "writer"
        DIGEST = "digest", "editors' digest"

    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="team_reminders")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    day = models.DateField()
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "team reminder"
        constraints = [
            models.UniqueConstraint(fields=["issue", "user", "kind", "day"], name="team_reminder_once_a_day")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.day} {self.user_id}"
