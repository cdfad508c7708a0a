"""Forms for the admin pages: picking a profile, and the playground's tweakable profile."""

from __future__ import annotations

from typing import Any, cast

from django import forms

from curator.feeds.models import Entry
from curator.ids import parse_id
from summarizer import backends, decoding
from summarizer.models import DecodingProfile

KNOB_FIELDS = list(decoding.KNOBS)


class ProfileChoiceForm(forms.Form):
    profile = forms.ModelChoiceField(
        queryset=DecodingProfile.objects.all(), empty_label=None, help_text="Decoding profile for the new drafts."
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.fields["profile"].initial = DecodingProfile.default().pk


class KnobsForm(forms.ModelForm):
    """Every decoding knob, validated by DecodingProfile.clean() exactly as the profile admin does."""

    class Meta:
        model = DecodingProfile
        fields = KNOB_FIELDS

    def knobs(self) -> decoding.Knobs:
        """The knobs as the engine takes them; call after is_valid()."""
        return decoding.check(decoding.parameters_of(self.instance))


class PlaygroundSourceForm(forms.Form):
    RECENT = 200
    entry = forms.ModelChoiceField(
        queryset=Entry.objects.none(),
        required=False,
        help_text="One of the newest entries, or leave empty and paste a text below.",
    )
    title = forms.CharField(required=False, max_length=1000)
    text = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 8, "cols": 90}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The newest entries, plus the one asked for (the entry page links here with ?entry=ID).
        wanted = self.data.get("entry") or self.initial.get("entry")
        ids = list(Entry.objects.order_by("-created_at").values_list("pk", flat=True)[: self.RECENT])
        if (wanted_id := parse_id(wanted)) is not None:
            ids.append(wanted_id)
        cast(forms.ModelChoiceField, self.fields["entry"]).queryset = Entry.objects.filter(pk__in=ids).order_by(
            "-created_at"
        )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data  # what Form.clean() returns, typed as a dict
        if not data.get("entry") and not (data.get("text") or "").strip():
            raise forms.ValidationError("Pick an entry or paste a text to summarize.")
        return data


class SaveAsForm(forms.Form):
    # Not required in the browser: the same page form also runs Generate, which needs no name.
    # The name is required only when this form is validated, that is when the tweak is saved.
    name = forms.CharField(max_length=100, required=False, help_text="Name of the new profile (needed to save).")
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2, "cols": 60}))

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError("Name the new profile to save this tweak.")
        if DecodingProfile.objects.filter(name=name).exists():
            raise forms.ValidationError(f"A profile named {name!r} already exists; choose another name.")
        return name


class ColumnsForm(forms.Form):
    """Which drafts Generate puts side by side: saved profiles, the knobs on the page, and the server's
    model with those knobs when a server is configured beside the worker's model."""

    KNOBS = "knobs"
    SERVER = "server"
    PRESELECTED = 3  # the default profile plus two others: a useful comparison that stays quick

    columns = forms.MultipleChoiceField(
        required=False,
        label="Run with",
        widget=forms.CheckboxSelectMultiple,
        help_text="Each ticked profile becomes one column; with none ticked, the knobs below are run.",
        error_messages={"invalid_choice": "A ticked profile no longer exists (deleted meanwhile); tick again."},
    )

    def __init__(self, *args: Any, loaded: DecodingProfile | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        profiles = sorted(DecodingProfile.objects.all(), key=lambda p: (not p.is_default, p.name))
        self.profiles_by_id = {str(p.pk): p for p in profiles}
        labels = [(str(p.pk), f"{p.name} (default)" if p.is_default else p.name) for p in profiles]
        choices = [*labels, (self.KNOBS, "The knobs below")]
        if server_model := backends.server_beside_worker():
            choices.append((self.SERVER, f"The server's model ({server_model}), with the knobs below"))
        cast(forms.ChoiceField, self.fields["columns"]).choices = choices
        if not self.is_bound:
            # After Load, compare the tweak with the profile it started from; otherwise a short list.
            chosen = [str(loaded.pk), self.KNOBS] if loaded else [key for key, _ in labels[: self.PRESELECTED]]
            self.fields["columns"].initial = chosen

    def chosen(self) -> tuple[list[DecodingProfile], bool]:
        """The ticked profiles, in list order, and whether the knobs are wanted; call after is_valid()."""
        ticked = set(self.cleaned_data["columns"])
        profiles = [p for key, p in self.profiles_by_id.items() if key in ticked]
        return profiles, self.KNOBS in ticked or not ticked

    def wants_server(self) -> bool:
        """Whether the server's model is ticked (offered only beside the worker's model); after is_valid()."""
        return self.SERVER in self.cleaned_data["columns"]
