"""Forms of the note pages. Rules live in the services; these only read the posted text."""

from collections.abc import Sequence
from typing import cast

from django import forms

from notes.models import LOCATION_MAX, NoteKind, NoteMode
from tandem.dates import DateField

WRITABLE = [(k, label) for k, label in NoteKind.choices if k != NoteKind.GROUP]
# The browser's own date and time pickers, so no one types a date in a format to guess.
DATE = forms.DateInput(attrs={"type": "date"})
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class NoteForm(forms.Form):
    """An individual, family or medication-management note; one text box per section of the
    chosen format (added by `with_sections`)."""

    kind = forms.ChoiceField(choices=WRITABLE)
    format = forms.CharField(max_length=30, widget=forms.HiddenInput)
    session = forms.CharField(required=False, max_length=40)
    service_date = DateField(label="Date of service", widget=DATE)
    start_time = forms.TimeField(required=False, label="Start", widget=TIME)
    end_time = forms.TimeField(required=False, label="End", widget=TIME)
    minutes = forms.IntegerField(min_value=0, max_value=24 * 60, initial=0)
    mode = forms.ChoiceField(choices=NoteMode.choices, label="How")
    participant_location = forms.CharField(
        required=False, max_length=LOCATION_MAX, label="Participant's location (telehealth)"
    )
    no_objective_reason = forms.CharField(
        required=False, max_length=300, label="If no plan objective: why"
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)

    def __init__(
        self, *args, headings: Sequence[str] = (), modes: Sequence[str] = (), **kwargs
    ) -> None:
        """`modes` limits the How choices to those the chosen session allows
        (`notes.services.modes_for`)."""
        super().__init__(*args, **kwargs)
        self.headings = list(headings)
        if modes:
            cast(forms.ChoiceField, self.fields["mode"]).choices = [
                (k, v) for k, v in NoteMode.choices if k in modes
            ]
        for index, heading in enumerate(self.headings):
            self.fields[f"section_{index}"] = forms.CharField(
                required=False, label=heading, widget=forms.Textarea(attrs={"rows": 4})
            )

    def section_fields(self) -> list:
        return [self[f"section_{i}"] for i in range(len(self.headings))]

    def sections(self) -> dict[str, str]:
        return {
            heading: self.cleaned_data.get(f"section_{i}") or ""
            for i, heading in enumerate(self.headings)
        }


class SignForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    justification = forms.CharField(required=False, max_length=200)


class LateEntryForm(forms.Form):
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), label="Late entry")
    reason = forms.CharField(max_length=300, label="Why it is added late")
    event_date = DateField(required=False, label="Date of the event", widget=DATE)
    event_time = forms.TimeField(required=False, label="Time of the event", widget=TIME)


class ReasonForm(forms.Form):
    reason = forms.CharField(max_length=300)
