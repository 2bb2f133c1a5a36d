"""Forms of the Support people tab; the rules stay in the model and the service."""

from typing import cast

from django import forms


class SupportPersonForm(forms.Form):
    name = forms.CharField(label="Name (required)", max_length=200)
    relationship = forms.CharField(
        label="Relationship (required)",
        max_length=120,
        help_text="In the participant's words, for example mother, partner, friend.",
    )
    phone = forms.CharField(label="Phone", max_length=40, required=False)
    email = forms.EmailField(label="Email", max_length=254, required=False)
    emergency_contact = forms.BooleanField(label="Emergency contact", required=False)


class EnteredInErrorForm(forms.Form):
    reason = forms.CharField(label="Why it was entered in error", max_length=500)


class SharingForm(forms.Form):
    """What a Part 2 consent naming this support person shares with them, as it says."""

    consent = forms.ChoiceField(label="The Part 2 consent naming them (required)")
    schedule = forms.BooleanField(label="Upcoming session times", required=False)
    attendance = forms.BooleanField(label="Attendance this week", required=False)
    contact = forms.BooleanField(
        label="How to reach the program and its crisis line", required=False
    )

    def __init__(self, *args, consents: list[tuple[str, str]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["consent"]).choices = consents


class SignInForm(forms.Form):
    """The username a support person's first sign-in gets; they choose the password."""

    username = forms.CharField(
        label="Username (required)",
        max_length=150,
        help_text="What they type to sign in: letters, digits and @ . + - _ only.",
    )
