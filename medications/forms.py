"""Forms of the medication list; the rules stay in the service."""

from typing import cast

from django import forms

from accounts.models import User
from medications import catalog
from medications.services import PRESCRIBER_HERE
from participants.access import staff_holding
from tandem import dates

DATE = forms.DateInput(attrs={"type": "date"})


# The form's own choices for "none of the list": the service takes no code and no prescriber.
TYPED_NAME = "typed"
NOT_HERE = "elsewhere"


class MedicationForm(forms.Form):
    """Medication and prescriber both start on "Choose…" and must be picked, so nothing is
    recorded as "other" or as not prescribed here because no one changed the default."""

    code = forms.ChoiceField(
        label="Medication",
        choices=[("", "Choose…"), (TYPED_NAME, "Other (type the name)"), *catalog.CHOICES],
        error_messages={"required": "Choose a medication, or Other to type its name."},
    )
    name = forms.CharField(
        label="Name as written", max_length=120, required=False, help_text="Needed for other."
    )
    dose = forms.CharField(max_length=120, required=False, help_text='For example "16 mg daily".')
    prescribed_by = forms.ChoiceField(
        label="Prescriber here",
        error_messages={
            "invalid_choice": PRESCRIBER_HERE,
            "required": "Choose the prescriber here, or Not prescribed here.",
        },
    )
    prescribed_elsewhere = forms.CharField(
        label="Or prescriber elsewhere", max_length=200, required=False
    )
    started_on = dates.DateField(label="Started", widget=DATE)
    stopped_on = dates.DateField(label="Stopped", widget=DATE, required=False)
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args, organization, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.prescribers = {
            str(u.pk): u for u in staff_holding("medication.prescribe", organization.pk)
        }
        cast(forms.ChoiceField, self.fields["prescribed_by"]).choices = [
            ("", "Choose…"),
            *((pk, str(u)) for pk, u in self.prescribers.items()),
            (NOT_HERE, "Not prescribed here"),
        ]

    def clean_code(self) -> str:
        code = self.cleaned_data["code"]
        return "" if code == TYPED_NAME else code

    def clean_prescribed_by(self) -> User | None:
        return self.prescribers.get(self.cleaned_data["prescribed_by"])


class StopForm(forms.Form):
    stopped_on = dates.DateField(label="Stopped on", widget=DATE)
    reason = forms.CharField(max_length=200, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)
