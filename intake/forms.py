"""Forms for signing, diagnoses and the code search; the rules stay in services."""

from django import forms

from intake.models import NEW_DIAGNOSIS_STATUSES, DiagnosisStatus
from tandem import dates


class SignForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


class DiagnosisForm(forms.Form):
    code = forms.CharField(
        label="ICD-10-CM code",
        max_length=12,
        help_text=(
            "A substance-induced disorder is coded inside the substance's code (for example "
            "F10.24 alcohol dependence with alcohol-induced mood disorder), not as F32/F33."
        ),
    )
    status = forms.ChoiceField(
        label="Status",
        choices=[(s.value, s.label) for s in NEW_DIAGNOSIS_STATUSES],
        initial=DiagnosisStatus.PROVISIONAL,
    )
    made_on = dates.DateField(
        label="Date of diagnosis", widget=forms.DateInput(attrs={"type": "date"})
    )
    note = forms.CharField(
        label="Note", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class DiagnosisStatusForm(forms.Form):
    to_status = forms.ChoiceField(label="New status", choices=DiagnosisStatus.choices)
    note = forms.CharField(label="Note", required=False, max_length=2000)
    version = forms.IntegerField(widget=forms.HiddenInput)


class CodeSearchForm(forms.Form):
    q = forms.CharField(label="Find a code", max_length=100, required=False)
