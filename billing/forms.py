"""Forms of the billing pages: they parse input; the rules live in the services."""

from django import forms

from billing.models import PerDiemCode
from tandem import dates
from tandem.templatetags.clock import day

DATE = forms.DateInput(attrs={"type": "date"})


class PayerForm(forms.Form):
    name = forms.CharField(max_length=200)
    medicare = forms.BooleanField(
        label="Medicare payer",
        required=False,
        help_text="Medicare pays IOP per diem on an institutional claim with condition code 92.",
    )
    # A Medicare payer takes no code here (the service refuses S9480 and H0015 for it).
    per_diem_code = forms.ChoiceField(
        label="IOP per-diem code",
        required=False,
        choices=[
            ("", "None: Medicare IOP, condition code 92"),
            (PerDiemCode.H0015.value, PerDiemCode.H0015.label),
            (PerDiemCode.S9480.value, PerDiemCode.S9480.label),
        ],
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
            *((str(p.public_id), f"{p.name} ({p.per_diem_name})") for p in payers),
        ]


class ChartCertificationForm(forms.Form):
    """The chart's certification card: the current stay's, the physician chosen by public id
    among the staff who may sign (`tandem.fields.chosen` in the view)."""

    physician = forms.CharField(label="Certifying physician", max_length=64, widget=forms.Select)
    certified_on = dates.DateField(label="Date of certification", widget=DATE)
    needs_nine_hours = forms.BooleanField(
        label="The participant needs at least 9 hours a week of IOP services", required=False
    )

    def __init__(self, *args, physicians=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["physician"].widget.choices = [
            ("", "Choose who certifies"),
            *((str(u.public_id), u.get_full_name() or u.username) for u in physicians),
        ]


class CertificationForm(ChartCertificationForm):
    """The Billing tab's: any of the participant's stays, chosen by public id."""

    episode = forms.CharField(label="Stay", max_length=64, widget=forms.Select)
    field_order = ["episode", "physician", "certified_on", "needs_nine_hours"]

    def __init__(self, *args, episodes=(), physicians=(), **kwargs) -> None:
        super().__init__(*args, physicians=physicians, **kwargs)
        self.fields["episode"].widget.choices = [
            ("", "Choose the stay"),
            *(
                (str(e.public_id), f"{e.program.name}, referred {day(e.referred_on)}")
                for e in episodes
            ),
        ]


class EnteredInErrorForm(forms.Form):
    reason = forms.CharField(max_length=500)


class WeekForm(forms.Form):
    week = dates.DateField(label="A day of the week", widget=DATE)
