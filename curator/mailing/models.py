"""Subscribers and the per-person delivery rows that make sending exactly-once."""

from __future__ import annotations

from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone


class Subscriber(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "pending confirmation"
        ACTIVE = "active", "active"
        UNSUBSCRIBED = "unsubscribed", "unsubscribed"
        BOUNCED = "bounced", "bounced"

    email = models.EmailField(max_length=254)
    name = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING, db_index=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)
    hard_bounces = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["email"]
        constraints = [models.UniqueConstraint(Lower("email"), name="subscriber_email_ci_unique")]

    def __str__(self) -> str:
        return self.email


class Delivery(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "queued"
        SENDING = "sending", "sending"
        SENT = "sent", "sent"
        FAILED = "failed", "failed"
        SKIPPED = "skipped", "skipped (no longer subscribed)"

    FINAL = (Status.SENT, Status.FAILED, Status.SKIPPED)

    issue = models.ForeignKey("editions.Issue", on_delete=models.CASCADE, related_name="deliveries")
    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="deliveries")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED, db_index=True)
    attempts = models.PositiveIntegerField(default=0)
    message_id = models.CharField(max_length=300, blank=True)
    error = models.TextField(blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "deliveries"
        constraints = [models.UniqueConstraint(fields=["issue", "subscriber"], name="delivery_unique_issue_subscriber")]
        indexes = [models.Index(fields=["issue", "status"])]

    def __str__(self) -> str:
        return f"{self.issue_id} -> {self.subscriber_id}: {self.status}"
