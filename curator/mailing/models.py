"""Subscribers and the per-person delivery rows that make sending exactly-once."""

from __future__ import annotations

import datetime
import secrets

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

# The latest moment a scheduled send may be stored at (see ScheduledSend.Meta).
SEND_AT_CEILING = datetime.datetime(9999, 1, 1, tzinfo=datetime.UTC)


def new_confirm_nonce() -> str:
    return secrets.token_urlsafe(16)


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
    # Identifies one sign-up: confirmation links carry it, and a new sign-up after unsubscribing or
    # bouncing gets a new one, so a link from an earlier sign-up can never confirm a later one.
    confirm_nonce = models.CharField(max_length=32, blank=True, default=new_confirm_nonce, editable=False)

    class Meta:
        ordering = ["email"]
        constraints = [models.UniqueConstraint(Lower("email"), name="subscriber_email_ci_unique")]

    def __str__(self) -> str:
        return self.email


class SignUp(models.Model):
    """One submission of the sign-up form (or one imported pending row), and the link mailed for it.

    The request only writes this row and one outbox row, the same two writes for every address, so
    neither the answer nor its timing says whether the address was subscribed; the worker decides
    whether to mail. The link carries a random token whose hash is stored here, never the address.
    The submitted name waits here and reaches the subscriber only when this sign-up is confirmed.
    """

    email = models.EmailField(max_length=254)
    name = models.CharField(max_length=200, blank=True)
    mailbox_key = models.CharField(max_length=64, db_index=True, help_text="sha256 of the inbox the address reaches.")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    subscriber = models.ForeignKey(Subscriber, null=True, blank=True, on_delete=models.CASCADE, related_name="signups")
    # The subscriber's confirm_nonce when the link was mailed: a later sign-up after unsubscribing renews
    # the nonce and voids this link.
    nonce = models.CharField(max_length=32, blank=True)
    token_hash = models.CharField(max_length=64, blank=True, db_index=True)
    mailed_at = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "sign-up"

    def __str__(self) -> str:
        return f"sign-up {self.pk}"


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


class ProviderEvent(models.Model):
    """One piece of feedback from an email provider's webhook (a bounce, a complaint), applied once.

    Providers deliver webhooks at least once and retry on timeouts, so the same bounce can arrive
    twice; the unique key makes the second arrival a no-op instead of a second bounce count.
    """

    esp = models.CharField("provider", max_length=50)
    event_key = models.CharField(max_length=255, help_text="The provider's event id, or type:email:time without one.")
    event_type = models.CharField(max_length=30)
    email = models.EmailField(max_length=254, blank=True)
    action = models.CharField(max_length=20, help_text="What it did to the subscriber: bounce, unsubscribe, ignored.")
    received_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-received_at"]
        constraints = [models.UniqueConstraint("esp", "event_key", name="provider_event_once")]

    def __str__(self) -> str:
        return f"{self.esp} {self.event_type} {self.email}"


class SubscriberImport(models.Model):
    """One uploaded CSV file, imported by a worker in chunks so a large file never times out a request.

    The file waits here (not on a web server's disk) because the worker may run on another machine;
    it is dropped once the import finished, leaving the counts and the first errors as the report.
    """

    class State(models.TextChoices):
        QUEUED = "queued", "queued"
        RUNNING = "running", "running"
        DONE = "done", "done"
        FAILED = "failed", "failed"

    MAX_STORED_ERRORS = 1000

    filename = models.CharField(max_length=255)
    as_status = models.CharField("import as", max_length=20, choices=Subscriber.Status.choices)
    data = models.BinaryField(editable=False)
    sha256 = models.CharField(max_length=64)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    total_rows = models.PositiveIntegerField(default=0, help_text="Lines in the file after the header.")
    processed_rows = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    duplicate_count = models.PositiveIntegerField(default=0)
    error_count = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True, help_text="[line, problem] for the first rows refused.")
    failure = models.TextField(blank=True, help_text="Why the file as a whole could not be imported.")
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.filename} ({self.state})"

    @property
    def finished(self) -> bool:
        return self.state in (self.State.DONE, self.State.FAILED)

    @property
    def percent(self) -> int:
        if self.state == self.State.DONE:
            return 100
        return min(99, self.processed_rows * 100 // self.total_rows) if self.total_rows else 0


class ScheduledSend(models.Model):
    """An issue's send set for a moment in the future; the beat task starts it (mailing/schedule.py).

    One row per issue: rescheduling moves the time, cancelling keeps the row for the record. The
    status moves scheduled -> started (or refused, or cancelled) by conditional UPDATE only, which
    is what keeps two beat processes from starting the same send twice.
    """

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "scheduled"
        STARTED = "started", "started"
        CANCELLED = "cancelled", "cancelled"
        REFUSED = "refused", "refused (issue not ready)"

    issue = models.OneToOneField("editions.Issue", on_delete=models.CASCADE, related_name="scheduled_send")
    send_at = models.DateTimeField(db_index=True)
    time_zone = models.CharField(max_length=64, help_text="The editor's time zone, for showing the time back.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SCHEDULED, db_index=True)
    scheduled_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    started_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(blank=True, help_text="Why a due send was refused.")
    content_fingerprint = models.CharField(
        max_length=64, blank=True, help_text="The issue content the publisher scheduled (editions/fingerprint.py)."
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            # Any moment Python can read back in any zone: a row beyond year 9999 made every page that
            # shows schedules fail (the application also refuses schedules more than a year ahead).
            models.CheckConstraint(condition=models.Q(send_at__lt=SEND_AT_CEILING), name="scheduled_send_at_readable")
        ]

    def __str__(self) -> str:
        return f"{self.issue_id} at {self.send_at:%Y-%m-%d %H:%M %Z}: {self.status}"


class ClickCount(models.Model):
    """Reader clicks on one pick's link during one day: a counter, never a person (mailing/clicks.py)."""

    pick = models.ForeignKey("editions.Pick", on_delete=models.CASCADE, related_name="click_counts")
    day = models.DateField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["pick", "day"], name="click_count_pick_day")]

    def __str__(self) -> str:
        return f"pick {self.pick_id} on {self.day}: {self.count}"


class SchedulerRun(models.Model):
    """When a scheduler last checked for due sends (mailing/scheduler.py): one row per kind of check."""

    name = models.CharField(max_length=50, primary_key=True)
    last_run_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name}: {self.last_run_at:%Y-%m-%d %H:%M:%S}"
