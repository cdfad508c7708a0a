"""Named decoding profiles and the drafts generated with them."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class DecodingProfile(models.Model):
    class Strategy(models.TextChoices):
        GREEDY = "greedy", "greedy"
        BEAM = "beam", "beam search"
        TOP_K = "top_k", "top-k sampling"
        TOP_P = "top_p", "top-p (nucleus) sampling"
        TEMPERATURE = "temperature", "temperature sampling"
        CONTRASTIVE = "contrastive", "contrastive search"

    name = models.CharField(max_length=100, unique=True)
    description = models.TextField(blank=True)
    strategy = models.CharField(max_length=20, choices=Strategy.choices, default=Strategy.BEAM)
    num_beams = models.PositiveSmallIntegerField(default=1)
    num_return_sequences = models.PositiveSmallIntegerField(default=1)
    temperature = models.FloatField(default=1.0)
    top_k = models.PositiveIntegerField(null=True, blank=True)
    top_p = models.FloatField(null=True, blank=True)
    typical_p = models.FloatField(null=True, blank=True)
    penalty_alpha = models.FloatField(null=True, blank=True)
    repetition_penalty = models.FloatField(default=1.0)
    no_repeat_ngram_size = models.PositiveSmallIntegerField(default=0)
    length_penalty = models.FloatField(default=1.0)
    early_stopping = models.BooleanField(default=False)
    min_new_tokens = models.PositiveIntegerField(default=0)
    max_new_tokens = models.PositiveIntegerField(default=96)
    seed = models.PositiveIntegerField(null=True, blank=True)
    is_default = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=models.Q(is_default=True), name="one_default_profile"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Draft(models.Model):
    class Engine(models.TextChoices):
        MODEL = "model", "model"
        FALLBACK = "fallback", "offline fallback"

    entry = models.ForeignKey("feeds.Entry", on_delete=models.CASCADE, related_name="drafts")
    profile = models.ForeignKey(
        DecodingProfile, null=True, blank=True, on_delete=models.SET_NULL, related_name="drafts"
    )
    profile_name = models.CharField(max_length=100, blank=True)
    text = models.TextField()
    engine = models.CharField(max_length=10, choices=Engine.choices)
    model_id = models.CharField(max_length=500, blank=True)
    parameters = models.JSONField(default=dict, blank=True, help_text="Frozen copy of every generation parameter.")
    input_hash = models.CharField(max_length=64, blank=True)
    tokens_in = models.PositiveIntegerField(default=0)
    tokens_out = models.PositiveIntegerField(default=0)
    seconds = models.FloatField(default=0)
    flags = models.JSONField(default=list, blank=True, help_text="Numbers and names not found in the source.")
    fallback_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Draft {self.pk} of entry {self.entry_id} ({self.engine})"
