"""Named decoding profiles and the drafts generated with them."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from curator.ids import parse_id
from summarizer import backends, decoding
from summarizer.presets import DEFAULT_PRESET


class DecodingProfile(models.Model):
    class Strategy(models.TextChoices):
        GREEDY = "greedy", "greedy"
        BEAM = "beam", "beam search"
        TOP_K = "top_k", "top-k sampling"
        TOP_P = "top_p", "top-p (nucleus) sampling"
        TEMPERATURE = "temperature", "temperature sampling"
        CONTRASTIVE = "contrastive", "contrastive search"

    name = models.CharField(max_length=100, unique=True)
    description = models.TextField(blank=True, help_text="What this profile is for, in a sentence.")
    strategy = models.CharField(
        max_length=20,
        choices=Strategy.choices,
        default=Strategy.BEAM,
        help_text=(
            "How the next word is chosen. Greedy: always the most likely word (same text every time). "
            "Beam search: keeps several candidate sentences and returns the most likely whole text (faithful, a bit "
            "bland). Top-k / nucleus / temperature sampling: draws at random among likely words (more varied; set "
            "a seed to make it repeatable). Contrastive search: likely words that do not repeat what was said."
        ),
    )
    num_beams = models.PositiveSmallIntegerField(
        default=1, help_text="Beam search only: how many candidate texts are kept at each step (4 is typical)."
    )
    num_return_sequences = models.PositiveSmallIntegerField(
        default=1,
        verbose_name="drafts per entry",
        help_text="How many alternative drafts to produce per entry (sampling or beam search only).",
    )
    temperature = models.FloatField(
        default=1.0,
        help_text="Sampling only: below 1 sticks to likely words, above 1 takes more risks. Must be above 0.",
    )
    top_k = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="Top-k sampling: draw only among the k most likely words (e.g. 50). "
        "Contrastive search: how many candidates are compared (e.g. 4).",
    )
    top_p = models.FloatField(
        null=True,
        blank=True,
        verbose_name="top-p",
        help_text="Nucleus sampling: draw among the smallest set of words whose chances add up to p (e.g. 0.9).",
    )
    typical_p = models.FloatField(
        null=True,
        blank=True,
        verbose_name="typical-p",
        help_text="Sampling only, optional: keeps words whose surprise is close to average (e.g. 0.95).",
    )
    penalty_alpha = models.FloatField(
        null=True,
        blank=True,
        verbose_name="degeneration penalty",
        help_text="Contrastive search only: how strongly to avoid repeating earlier content (0.6 is typical).",
    )
    repetition_penalty = models.FloatField(
        default=1.0, help_text="Above 1 makes words already used less likely (1.2 is mild). 1.0 is off."
    )
    no_repeat_ngram_size = models.PositiveSmallIntegerField(
        default=0,
        verbose_name="no-repeat n-gram size",
        help_text="Never repeat any run of this many words (3 stops most loops). 0 is off.",
    )
    length_penalty = models.FloatField(
        default=1.0,
        help_text="Beam search only: above 1 favours longer texts, below 1 shorter ones. 1.0 is neutral.",
    )
    early_stopping = models.BooleanField(
        default=False, help_text="Beam search only: stop as soon as enough complete candidates exist (faster)."
    )
    min_new_tokens = models.PositiveIntegerField(
        default=0, help_text="The draft has at least this many tokens (a token is about three quarters of a word)."
    )
    max_new_tokens = models.PositiveIntegerField(
        default=96, help_text="The draft is cut after this many tokens; 96 is roughly three sentences."
    )
    seed = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="Sampling only matters: the same seed gives the same text every time. Empty = new text each run.",
    )
    stop = models.CharField(
        max_length=200,
        blank=True,
        default="",
        verbose_name="stop sequences",
        help_text=(
            "The draft ends where it would write any of these texts (left out). Several: separate with |; "
            "write \\n for a line break (\\n\\n ends at the first blank line). Empty = off. At most 4."
        ),
    )
    is_default = models.BooleanField(
        default=False,
        verbose_name="default",
        help_text="Used for new entries. Exactly one profile is the default; ticking this unticks the others.",
    )
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

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Unticking the previous default and saving this one happen in one transaction, so the partial
        # unique constraint never sees two defaults and readers never see none.
        with transaction.atomic():
            if self.is_default:
                DecodingProfile.objects.filter(is_default=True).exclude(pk=self.pk).update(is_default=False)
            super().save(*args, **kwargs)

    def parameters(self) -> dict:
        return decoding.parameters_of(self)

    def clean(self) -> None:
        errors = decoding.validate(self.parameters())
        for field, messages in backends.refusals(self.parameters()).items():
            errors.setdefault(field, []).extend(messages)
        if not self.is_default and self.pk and DecodingProfile.objects.filter(pk=self.pk, is_default=True).exists():
            errors.setdefault("is_default", []).append(
                "This is the default profile: make another profile the default instead of unticking this one."
            )
        if errors:
            raise ValidationError(errors)

    def knobs(self) -> decoding.Knobs:
        """The checked knobs the engine runs with; ValidationError if the row was saved without clean()."""
        return decoding.check(self.parameters())

    @classmethod
    def default(cls) -> DecodingProfile:
        """The default profile; recreated from the built-in preset if someone deleted them all.

        The one place that decides which profile "the default" is: tasks, drafting, the profile
        picker and the playground all ask here.
        """
        profile = cls.objects.filter(is_default=True).first() or cls.objects.order_by("pk").first()
        if profile is None:
            profile, _ = cls.objects.get_or_create(name=DEFAULT_PRESET["name"], defaults={**DEFAULT_PRESET})
        return profile

    @classmethod
    def chosen_or_default(cls, profile_id: int | str | None) -> DecodingProfile:
        """The profile asked for, or the default when none was asked for or it was deleted since."""
        pk = parse_id(profile_id)
        chosen = cls.objects.filter(pk=pk).first() if pk is not None else None
        return chosen or cls.default()


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
    backend = models.CharField(
        max_length=20, blank=True, help_text="Where the model ran: transformers (in the worker) or openai (a server)."
    )
    demoted_reason = models.TextField(
        blank=True, help_text="Why this draft is never shown first: the names, numbers or instruction words it adds."
    )
    task_id = models.CharField(
        max_length=64, blank=True, db_index=True, help_text="Celery task that made it; a redelivered task finds it."
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Draft {self.pk} of entry {self.entry_id} ({self.engine})"


class DraftOutcome(models.Model):
    """What became of the drafts of one entry once an editor's final text was fixed (summarizer/acceptance.py).

    `key` names the use (e.g. ``pick:42``) so recording the same use again updates one row; the
    summarizer does not know what a pick is, only that some final text was judged against its drafts.
    """

    class Verdict(models.TextChoices):
        AS_IS = "as_is", "used as is"
        LIGHT = "light", "lightly edited"
        REWRITTEN = "rewritten", "rewritten"

    key = models.CharField(max_length=100, unique=True)
    entry = models.ForeignKey("feeds.Entry", on_delete=models.CASCADE, related_name="draft_outcomes")
    draft = models.ForeignKey(Draft, null=True, blank=True, on_delete=models.SET_NULL, related_name="outcomes")
    profile_name = models.CharField(max_length=100, blank=True)
    model_id = models.CharField(max_length=500, blank=True)
    similarity = models.FloatField(help_text="1 - normalized edit distance between closest draft and final text.")
    verdict = models.CharField(max_length=10, choices=Verdict.choices)
    recorded_at = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self) -> str:
        return f"{self.key}: {self.get_verdict_display()} ({self.similarity:.2f})"


class DraftChoice(models.Model):
    """One *Use this draft* click, recorded as it happens (the blurb may still be edited afterwards)."""

    draft = models.ForeignKey(Draft, on_delete=models.CASCADE, related_name="choices")
    chosen_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    chosen_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"draft {self.draft_id} chosen at {self.chosen_at:%Y-%m-%d %H:%M}"


class PlaygroundRun(models.Model):
    """One Generate press in the decoding playground, kept so every experiment can be found again."""

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    entry = models.ForeignKey("feeds.Entry", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    title = models.CharField(max_length=1000, blank=True)
    input_hash = models.CharField(max_length=64, db_index=True)
    parameters = models.JSONField(default=dict, help_text="Every decoding knob of the run.")
    outputs = models.JSONField(default=list, help_text="Each draft: text, engine, model, tokens, seconds, seed, flags.")
    engine = models.CharField(max_length=10, choices=Draft.Engine.choices)
    model_id = models.CharField(max_length=500, blank=True)
    seconds = models.FloatField(default=0)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Run {self.pk}: {self.title[:60] or self.input_hash[:12]}"
