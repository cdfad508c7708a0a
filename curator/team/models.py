"""Who suggested, voted for and writes what: the team's marks on entries and picks."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class Member(models.Model):
    """A staff member's byline and writing preferences, edited on their own profile page."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="team_member")
    display_name = models.CharField(
        "byline", max_length=200, blank=True, help_text="The name under your picks, e.g. Chris."
    )
    link = models.URLField("byline link", max_length=500, blank=True, help_text="Optional: a personal page or profile.")
    voice_drafts = models.BooleanField(
        "drafts in my voice",
        default=False,
        help_text="Use up to three of your published blurbs as examples when drafting your picks.",
    )

    def __str__(self) -> str:
        return self.byline

    @property
    def byline(self) -> str:
        return self.display_name or self.user.get_full_name() or self.user.get_username()


class Suggestion(models.Model):
    """One member's "the team should read this" on an entry; a second member adds a second row."""

    entry = models.ForeignKey("feeds.Entry", on_delete=models.CASCADE, related_name="team_suggestions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="team_suggestions")
    typed = models.CharField("as typed", max_length=2000, help_text="The URL, arXiv id or DOI the member gave.")
    note = models.TextField(blank=True, help_text="Why the team should read it.")
    fetch_error = models.CharField(max_length=500, blank=True, help_text="Why the page could not be fetched.")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [models.UniqueConstraint(fields=["entry", "user"], name="suggestion_unique_entry_user")]

    def __str__(self) -> str:
        return f"{self.user} suggested {self.entry_id}"


class Vote(models.Model):
    entry = models.ForeignKey("feeds.Entry", on_delete=models.CASCADE, related_name="team_votes")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="team_votes")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [models.UniqueConstraint(fields=["entry", "user"], name="vote_unique_entry_user")]

    def __str__(self) -> str:
        return f"{self.user} +1 {self.entry_id}"


class Assignment(models.Model):
    """Who writes a pick's blurb, and how far they got."""

    class State(models.TextChoices):
        UNCLAIMED = "unclaimed", "unclaimed"
        CLAIMED = "claimed", "claimed"
        WRITTEN = "written", "written"
        APPROVED = "approved", "approved"

    pick = models.OneToOneField("editions.Pick", on_delete=models.CASCADE, related_name="assignment")
    writer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="team_assignments"
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.UNCLAIMED, db_index=True)
    byline_link = models.URLField(max_length=500, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    written_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        permissions = [
            ("claim_pick", "Can claim a pick and write its blurb"),
            ("approve_blurb", "Can approve a blurb and edit anyone's"),
        ]

    def __str__(self) -> str:
        return f"{self.pick_id}: {self.state}"
