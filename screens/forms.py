"""Forms of the drug-screens tab; the rules stay in the service."""

from typing import cast

from django import forms
from django.forms import BoundField

from screens.models import (
    REVIEW_COMMENT_MAX,
    Confirmation,
    Method,
    Result,
    Specimen,
    Validity,
    methods_for,
)
from screens.services import NewAnalyte
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
        cast(forms.ChoiceField, self.fields["method"]).choices = methods_for(panel.specimen)
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


# Blank analyte rows on the panels page (a panel of up to this many analytes, no script
# needed); rows left blank are not analytes.
ANALYTE_ROWS = 16


class PanelForm(forms.Form):
    """A program's own panel: the device or lab order, then its analytes row by row
    (`code_<n>`, `name_<n>`, `cutoff_<n>`, `unit_<n>`). Every rule is the service's."""

    name = forms.CharField(
        label="Name", required=False, help_text="As the device or the lab names it."
    )
    specimen = forms.ChoiceField(choices=Specimen.choices)
    method = forms.ChoiceField(choices=Method.choices)
    source = forms.CharField(
        label="Where its cut-offs come from",
        required=False,
        help_text="The device's package insert, the lab's panel sheet.",
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for n in range(ANALYTE_ROWS):
            self.fields[f"code_{n}"] = forms.CharField(
                label=f"Analyte {n + 1} code",
                required=False,
                widget=forms.TextInput(attrs={"list": "known-codes", "size": 6}),
            )
            self.fields[f"name_{n}"] = forms.CharField(
                label=f"Analyte {n + 1} name", required=False
            )
            self.fields[f"cutoff_{n}"] = forms.CharField(
                label=f"Analyte {n + 1} cut-off",
                required=False,
                widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 8}),
            )
            self.fields[f"unit_{n}"] = forms.CharField(
                label=f"Analyte {n + 1} unit", required=False, widget=forms.TextInput({"size": 6})
            )

    def rows(self) -> list[tuple[BoundField, ...]]:
        """The analyte rows' fields, for the page's table."""
        return [
            tuple(self[f"{part}_{n}"] for part in ("code", "name", "cutoff", "unit"))
            for n in range(ANALYTE_ROWS)
        ]

    def analytes(self) -> list[NewAnalyte]:
        """The rows filled in, in order."""
        data = self.cleaned_data
        rows = [
            NewAnalyte(
                code=data[f"code_{n}"],
                name=data[f"name_{n}"],
                cutoff=data[f"cutoff_{n}"],
                unit=data[f"unit_{n}"],
            )
            for n in range(ANALYTE_ROWS)
        ]
        return [r for r in rows if (r.code + r.name + r.cutoff + r.unit).strip()]
