from typing import Any

from django import forms

from audit import event_types
from audit.models import Action
from tandem import dates


def _event_type_choices() -> list[tuple[str, str]]:
    return [("", "Any event")] + [(t.name, t.label) for t in event_types.all_types()]


class AuditFilterForm(forms.Form):
    """Filters post their terms: a record number never goes into a URL."""

    record_number = forms.CharField(required=False, label="Participant record number")
    username = forms.CharField(required=False, label="User")
    action = forms.ChoiceField(required=False, choices=[("", "Any action"), *Action.choices])
    event_type = forms.ChoiceField(required=False, label="Event", choices=_event_type_choices)
    outcome = forms.ChoiceField(
        required=False,
        choices=[("", "Allowed or refused"), ("allowed", "Allowed"), ("refused", "Refused")],
    )
    break_glass_only = forms.BooleanField(required=False, label="Break-the-glass only")
    start = dates.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = dates.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    # The pager's position: an event's id, never a participant's detail.
    before = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    after = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            raise forms.ValidationError("The end date is before the start date.")
        return data


class ReviewForm(forms.Form):
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), min_length=3)
