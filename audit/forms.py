from django import forms

from audit.models import Action
from tandem import dates


class AuditFilterForm(forms.Form):
    """Filters post their terms: a record number never goes into a URL."""

    record_number = forms.CharField(required=False, label="Participant record number")
    username = forms.CharField(required=False, label="User")
    action = forms.ChoiceField(required=False, choices=[("", "Any action"), *Action.choices])
    outcome = forms.ChoiceField(
        required=False,
        choices=[("", "Allowed or refused"), ("allowed", "Allowed"), ("refused", "Refused")],
    )
    break_glass_only = forms.BooleanField(required=False, label="Break-the-glass only")
    start = dates.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = dates.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            raise forms.ValidationError("The end date is before the start date.")
        return data


class ReviewForm(forms.Form):
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), min_length=3)
