"""Forms of the Consents tab; the rules (each element a Part 2 consent needs) stay in the model."""

from typing import cast

from django import forms

from consent.models import (
    TPO_RECIPIENTS,
    Consent,
    ConsentKind,
    DisclosedCopy,
    Expiry,
    RevocationReceived,
    Signer,
)
from consent.recipients import LISTS
from participants.export import SECTIONS
from tandem import dates
from tandem.templatetags.clock import day

DATE = forms.DateInput(attrs={"type": "date"})
# Written after a label, in words (not a colour or an asterisk), as the discharge form does.
REQUIRED = "(required)"
REQUIRED_PART2 = "(required for a Part 2 consent)"
PART2 = ("discloser", "information", "parts", "recipients", "purpose", "expiry")


def part2_choices(consents: list[Consent]) -> list[tuple[str, str]]:
    """Part 2 consents as choices naming their recipients, for the copy page and the Support
    people tab alike, so staff check the same words before relying on one."""
    return [
        (
            str(c.public_id),
            f"Signed {day(c.signed_on)}, to: {_to(c)}; information: {c.information}; "
            f"parts of the record: {', '.join(c.part_titles) or 'not listed'}",
        )
        for c in consents
    ]


def _to(consent: Consent) -> str:
    """The recipients in words, then those picked from a list (read by `consents_for`)."""
    named = "; ".join(f"{g.label}: {g.names}" for g in getattr(consent, "named", []))
    return f"{consent.recipients} ({named})" if named else consent.recipients


class ConsentForm(forms.Form):
    kind = forms.ChoiceField(label="Consent", choices=ConsentKind.choices, widget=forms.RadioSelect)
    discloser = forms.CharField(label="Who may disclose", max_length=200, required=False)
    information = forms.CharField(
        label="Information that may be disclosed",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Specific and meaningful, for example attendance, diagnoses and treatment plan.",
    )
    parts = forms.MultipleChoiceField(
        label="Parts of the record it covers",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=(
            "Tick at least one for a consent to disclose Part 2 records: the parts of the record "
            "the words above describe; a copy under the consent carries these alone. None for "
            "SUD counseling notes."
        ),
        error_messages={"invalid_choice": "Tick parts of the record from the list."},
    )
    tpo = forms.BooleanField(
        label="A single consent for treatment, payment and health care operations (TPO)",
        required=False,
    )
    recipients = forms.CharField(
        label="Recipients",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=f'Named people or organisations; a TPO consent may name the class: "{TPO_RECIPIENTS}".',
    )
    recipients_hipaa = forms.BooleanField(
        label="The recipients are HIPAA covered entities or business associates", required=False
    )
    purpose = forms.CharField(
        label="Purpose",
        max_length=1000,
        required=False,
        help_text='"At my request" or "treatment, payment and health care operations" will do.',
    )
    expiry = forms.ChoiceField(
        label="Expires",
        choices=[
            ("", "Not said (a treatment or telehealth consent runs until revoked)"),
            *Expiry.choices,
        ],
        required=False,
        help_text="No expiry only for a TPO consent.",
    )
    expires_on = dates.DateField(label="Expiry date", widget=DATE, required=False)
    expiry_event = forms.CharField(
        label="Event or condition it expires on",
        max_length=300,
        required=False,
        help_text='For an expiry on an event, as the form words it: "when my probation ends". '
        "Mark it on this tab once it has happened.",
    )
    signer = forms.ChoiceField(
        label="Signed by",
        choices=Signer.choices,
        initial=Signer.PARTICIPANT,
        widget=forms.RadioSelect,
    )
    representative_name = forms.CharField(
        label="Representative's name", max_length=200, required=False
    )
    representative_relationship = forms.CharField(
        label="Representative's relationship or authority",
        max_length=120,
        required=False,
        help_text="For example parent, legal guardian.",
    )
    signed_on = dates.DateField(label="Signed on", widget=DATE)
    note = forms.CharField(
        max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(
        self, *args, program_name: str = "", organization_id: int | None = None, **kwargs
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["discloser"].initial = program_name
        cast(forms.MultipleChoiceField, self.fields["parts"]).choices = [
            (s.name, s.title) for s in SECTIONS.implementations()
        ]
        for name, field in self.fields.items():
            if field.required:
                field.label = f"{field.label} {REQUIRED}"
            elif name in PART2:
                field.label = f"{field.label} {REQUIRED_PART2}"
        # The recipients picked from the organization's lists (the payers), after the words.
        self.lists = [lst.key for lst in LISTS.implementations()]
        fields = list(self.fields.items())
        at = [name for name, _ in fields].index("recipients_hipaa")
        picked = {
            lst.key: forms.MultipleChoiceField(
                label=lst.label,
                required=False,
                choices=lst.choices(organization_id) if organization_id is not None else [],
                widget=forms.CheckboxSelectMultiple,
                help_text=lst.help_text,
                error_messages={"invalid_choice": "Choose from the program's list."},
            )
            for lst in LISTS.implementations()
        }
        self.fields = dict([*fields[:at], *picked.items(), *fields[at:]])

    def clean(self) -> dict:
        """The picks of every list under `named`, as `services.record_consent` takes them."""
        data = super().clean() or {}
        data["named"] = {key: data.pop(key, []) for key in self.lists}
        return data


class RevokeForm(forms.Form):
    revoked_on = dates.DateField(label="Revocation received on", widget=DATE)
    received = forms.ChoiceField(
        label="How it was received", choices=RevocationReceived.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(max_length=2000, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)


class ExpiryEventForm(forms.Form):
    happened_on = dates.DateField(label="The event happened on", widget=DATE)
    version = forms.IntegerField(widget=forms.HiddenInput)


class EnteredInErrorForm(forms.Form):
    reason = forms.CharField(label="Why it was entered in error", max_length=500)


class DiscloseForm(forms.Form):
    """A copy of the record for the participant, or for someone their Part 2 consent names."""

    to = forms.ChoiceField(
        label="For",
        choices=[
            ("participant", "The participant (their own copy)"),
            ("other", "Someone else, under the participant's Part 2 consent"),
        ],
        widget=forms.RadioSelect,
    )
    recipient = forms.CharField(
        label="Recipient",
        max_length=300,
        required=False,
        help_text="As the consent names them; not needed for the participant's own copy.",
    )
    consent = forms.ChoiceField(label="Consent it relies on", required=False)
    what = forms.ChoiceField(label="Copy", choices=DisclosedCopy.choices, widget=forms.RadioSelect)
    parts = forms.MultipleChoiceField(
        label="Parts of the record",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=(
            "For the record printed or as a file. Under a consent, tick only what it covers; "
            "for the participant's own copy, none ticked gives every part."
        ),
        error_messages={
            "invalid_choice": "Tick only the parts of the record offered: those the consent "
            "covers, of the parts you may copy."
        },
    )

    def __init__(
        self, *args, consents: list[tuple[str, str]], parts: list[tuple[str, str]], **kwargs
    ) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", "None: the participant's own copy"), *consents]
        cast(forms.ChoiceField, self.fields["consent"]).choices = choices
        cast(forms.MultipleChoiceField, self.fields["parts"]).choices = parts
        for field in self.fields.values():
            if field.required:
                field.label = f"{field.label} {REQUIRED}"
