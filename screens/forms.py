"""Forms of the drug-screens tab; the rules stay in the service."""

from django import forms

from screens.models import REVIEW_COMMENT_MAX, Confirmation, Method, Result, Validity
from tandem import dates


class ScreenForm(forms.Form):
    """The panel's analytes become one result field each (`result_<code>`)."""

    # Minutes only: a value with seconds becomes the browser's step base, and then every time
    # typed in whole minutes is refused as "not a valid value" before the form is sent.
    collected_at = forms.DateTimeField(
        label="Collected at",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    observed = forms.BooleanField(label="Collection observed", required=False)
    method = forms.ChoiceField(choices=Method.choices)
    validity = forms.ChoiceField(
        label="Specimen validity", choices=Validity.choices, initial=Validity.NOT_CHECKED
    )
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args, panel, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.panel = panel
        self.fields["method"].initial = panel.method
        for analyte in panel.analytes.all():
            self.fields[f"result_{analyte.code}"] = forms.ChoiceField(
                label=f"{analyte.name} (cut-off {analyte.cutoff_label})",
                choices=Result.choices,
                initial=Result.NEGATIVE,
                widget=forms.RadioSelect,
            )

    def results(self) -> dict[str, str]:
        return {
            name.removeprefix("result_"): value
            for name, value in self.cleaned_data.items()
            if name.startswith("result_")
        }


class ConfirmationForm(forms.Form):
    confirmation = forms.ChoiceField(choices=Confirmation.choices)


class ReviewForm(forms.Form):
    """The review's comment; the service says what it must hold (it refuses an empty one)."""

    comment = forms.CharField(
        label="What was done",
        required=False,
        widget=forms.TextInput(
            attrs={
                "maxlength": REVIEW_COMMENT_MAX,
                "placeholder": "Discussed with participant; dose unchanged",
            }
        ),
    )


class UseReportForm(forms.Form):
    last_used_on = dates.DateField(
        label="Last known use", widget=forms.DateInput(attrs={"type": "date"})
    )
    substance = forms.CharField(max_length=120, required=False)
    note = forms.CharField(max_length=500, required=False)
