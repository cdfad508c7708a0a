from __future__ import annotations

from django import forms

from curator.mailing.addresses import normalize_address
from curator.mailing.models import Subscriber


class SubscribeForm(forms.Form):
    email = forms.EmailField(max_length=254, label="Email address")
    name = forms.CharField(max_length=200, required=False, label="Name (optional)")
    # Honeypot: hidden from people, filled in by naive bots; such sign-ups are dropped silently.
    website = forms.CharField(required=False, label="Leave this empty")

    def clean_email(self) -> str:
        # Runs only once the field's own check passed, so a bad address gets one message, not two.
        return normalize_address(self.cleaned_data["email"])


class SubscriberImportForm(forms.Form):
    file = forms.FileField(label="CSV file", help_text="Columns: email (required), name (optional). Header row first.")
    status = forms.ChoiceField(
        choices=[
            ("active", "active: they already agreed elsewhere (no confirmation email)"),
            ("pending", "pending: send each a confirmation email first"),
        ],
        initial="pending",
    )


class SubscriberAdminForm(forms.ModelForm):
    """The admin's add/change form: an address typed by staff is stored in the same spelling as the form's."""

    class Meta:
        model = Subscriber
        fields = "__all__"  # noqa: DJ007 - the admin's own fieldsets decide what shows

    def clean_email(self) -> str:
        return normalize_address(self.cleaned_data["email"])
