"""Forms of the medication list; the rules stay in the service."""

from typing import cast

from django import forms

from accounts.models import User
from medications import catalog
from medications.services import PRESCRIBER_HERE
from participants.access import staff_holding
from tandem import dates

DATE = forms.DateInput(attrs={"type": "date"})


class MedicationForm(forms.Form):
    code = forms.ChoiceField(
        label="Medication",
        choices=[("", "Other (type the name)"), *catalog.CHOICES],
        required=False,
    )
    name = forms.CharField(
        label="Name as written", max_length=120, required=False, help_text="Needed for other."
    )
    dose = forms.CharField(max_length=120, required=False, help_text='For example "16 mg daily".')
    prescribed_by = forms.ModelChoiceField(
        label="Prescriber here",
        queryset=User.objects.none(),
        required=False,
        empty_label="Not prescribed here",
        error_messages={"invalid_choice": PRESCRIBER_HERE},
    )
    prescribed_elsewhere = forms.CharField(
        label="Or prescriber elsewhere", max_length=200, required=False
    )
    started_on = dates.DateField(label="Started", widget=DATE)
    stopped_on = dates.DateField(label="Stopped", widget=DATE, required=False)
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args, organization, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["prescribed_by"]).queryset = staff_holding(
            "medication.prescribe", organization.pk
        )


class StopForm(forms.Form):
    stopped_on = dates.DateField(label="Stopped on", widget=DATE)
    reason = forms.CharField(max_length=200, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)
