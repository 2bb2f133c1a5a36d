"""Forms of the billing pages: they parse input; the rules live in the services."""

from django import forms

from billing.models import PerDiemCode
from tandem import dates

DATE = forms.DateInput(attrs={"type": "date"})


class PayerForm(forms.Form):
    name = forms.CharField(max_length=200)
    per_diem_code = forms.ChoiceField(
        label="IOP per-diem code", choices=[("", "Choose the code"), *PerDiemCode.choices]
    )


class CoverageForm(forms.Form):
    # Chosen by public id among the program's payers (`tandem.fields.chosen` in the view).
    payer = forms.CharField(max_length=64, widget=forms.Select)
    member_id = forms.CharField(label="Member id", max_length=60)
    starts_on = dates.DateField(label="Start date", widget=DATE)
    ends_on = dates.DateField(
        label="End date", widget=DATE, required=False, help_text="Leave empty while it lasts."
    )

    def __init__(self, *args, payers=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["payer"].widget.choices = [
            ("", "Choose a payer"),
            *((str(p.public_id), f"{p.name} ({p.per_diem_code})") for p in payers),
        ]


class EnteredInErrorForm(forms.Form):
    reason = forms.CharField(max_length=500)


class WeekForm(forms.Form):
    week = dates.DateField(label="A day of the week", widget=DATE)
