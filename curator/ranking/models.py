"""Embeddings of entries, the team's fitted relevance model, scores with their reasons, and stories."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from curator.feeds.models import Entry


class Embedding(models.Model):
    """One float32 vector per entry, kept as bytes so SQLite and PostgreSQL store it alike.

    `text_hash` covers the model id and the exact text embedded: unchanged text is never embedded twice.
    """

    entry = models.OneToOneField(Entry, on_delete=models.CASCADE, primary_key=True, related_name="embedding")
    vector = models.BinaryField()
    model_id = models.CharField(max_length=200)
    text_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"embedding of entry {self.entry_id}"


class Interests(models.Model):
    """What the team reads, in the editors' words: ranks entries before there are enough picks."""

    text = models.TextField(
        blank=True,
        help_text="A few sentences on the topics the newsletter covers. Used until the team has 5 picks.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "interests"
        constraints = [models.CheckConstraint(condition=models.Q(pk=1), name="interests_single_row")]

    def __str__(self) -> str:
        return "Team interests"


class RelevanceModel(models.Model):
    """One fit of the team's model: a linear scorer (weights as bytes) or the cold-start rule."""

    class Kind(models.TextChoices):
        LOGISTIC = "logistic", "logistic regression"
        COLD_START = "cold_start", "cold start (interests and past picks)"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    weights = models.BinaryField(blank=True, default=b"")
    intercept = models.FloatField(default=0.0)
    # The interests text's embedding at fit time: what new-topic scoring compares with, without loading
    # the embedder in the process that scores (a refit follows every change of the text).
    interests_vector = models.BinaryField(blank=True, default=b"")
    positives = models.PositiveIntegerField(default=0)
    negatives = models.PositiveIntegerField(default=0)
    cv_auc = models.FloatField(null=True, blank=True, help_text="Cross-validated AUC on the team's decisions.")
    note = models.CharField(max_length=300, blank=True)
    fitted_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-fitted_at", "-id"]
        get_latest_by = ["fitted_at", "id"]

    def __str__(self) -> str:
        return f"model {self.pk} ({self.kind})"


class Relevance(models.Model):
    """The current score of a new entry and why: its nearest past picks, or that it is a new topic."""

    NEW_TOPIC_REASON = "new topic: nothing like it was picked or rejected before"

    entry = models.OneToOneField(Entry, on_delete=models.CASCADE, primary_key=True, related_name="relevance")
    score = models.FloatField(db_index=True, help_text="0-1, higher = more likely a pick.")
    margin = models.FloatField(db_index=True, help_text="Distance from the decision boundary: small = unsure.")
    like = models.JSONField(default=list, blank=True, help_text="Nearest past picks: [[entry id, title], ...].")
    new_topic = models.BooleanField(
        default=False, help_text="Far from every decided entry and from the interests text: scored low on purpose."
    )
    model = models.ForeignKey(RelevanceModel, null=True, on_delete=models.SET_NULL, related_name="+")
    scored_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.entry_id}: {self.score:.2f}"


class Story(models.Model):
    """Entries about the same paper or news item."""

    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "stories"

    def __str__(self) -> str:
        return f"story {self.pk}"


class StoryMembership(models.Model):
    """An entry belongs to at most one story; a story of one is no story, so such rows are not kept."""

    class Reason(models.TextChoices):
        CITES = "cites", "names the same arXiv id or DOI"
        NEAR_DUPLICATE = "near_duplicate", "near-duplicate text"

    entry = models.OneToOneField(Entry, on_delete=models.CASCADE, primary_key=True, related_name="story_link")
    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="members")
    reason = models.CharField(max_length=20, choices=Reason.choices)

    def __str__(self) -> str:
        return f"{self.entry_id} in {self.story_id}"


class RefitRequest(models.Model):
    """One row: whether a refit is queued, so a burst of decisions queues one."""

    pending = models.BooleanField(default=False)
    requested_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(pk=1), name="refit_request_single_row")]

    def __str__(self) -> str:
        return "refit pending" if self.pending else "no refit pending"
