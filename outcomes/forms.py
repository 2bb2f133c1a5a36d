"""The board's filters and the public self-referral form."""

from datetime import date
from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import LevelOfCare
from outcomes.models import Ethnicity, Race
from outcomes.selectors import AGE_GROUPS, BREAKDOWNS, NOT_RECORDED, Filters
from participants.models import SexAtBirth
from tandem import dates
from tandem.widgets import PythonWidgets

ANY = [("", "Any")]


def _first_of_month_a_year_before(today: date) -> date:
    return date(today.year - 1, today.month, 1)


class FilterForm(forms.Form):
    """Every filter is program data (an id) or a code; the form is sent by POST."""

    # Set by the board when the sent filters were refused and the defaults were used instead.
    filters_failed = False
    # Ten selects on every load of the board: written in Python, the same markup.
    default_renderer = PythonWidgets()

    start = dates.DateField(label="From", widget=forms.DateInput(attrs={"type": "date"}))
    end = dates.DateField(label="To", widget=forms.DateInput(attrs={"type": "date"}))
    program = forms.TypedChoiceField(label="Program", required=False, coerce=int, empty_value=None)
    site = forms.TypedChoiceField(label="Site", required=False, coerce=int, empty_value=None)
    track = forms.TypedChoiceField(label="Track", required=False, coerce=int, empty_value=None)
    level_of_care = forms.ChoiceField(
        label="Level of care", required=False, choices=ANY + list(LevelOfCare.choices)
    )
    sex = forms.ChoiceField(
        label="Sex at birth", required=False, choices=ANY + list(SexAtBirth.choices)
    )
    age_group = forms.ChoiceField(
        label="Age group", required=False, choices=ANY + [(k, v) for k, v, _, _ in AGE_GROUPS]
    )
    race = forms.ChoiceField(
        label="Race",
        required=False,
        choices=ANY + list(Race.choices) + [(NOT_RECORDED, "Not recorded")],
    )
    ethnicity = forms.ChoiceField(
        label="Ethnicity",
        required=False,
        choices=ANY + list(Ethnicity.choices) + [(NOT_RECORDED, "Not recorded")],
    )
    breakdown = forms.ChoiceField(
        label="Completion by", choices=list(BREAKDOWNS.items()), initial="sex"
    )

    def __init__(self, *args, options: dict, today: date, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        for name, key in (("program", "programs"), ("site", "sites"), ("track", "tracks")):
            field = cast(forms.TypedChoiceField, self.fields[name])
            field.choices = ANY + [(row.pk, row.name) for row in options[key]]
        self.initial.setdefault("start", _first_of_month_a_year_before(today))
        self.initial.setdefault("end", today)

    def clean(self) -> dict:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            self.add_error("end", "The end of the range cannot be before its start.")
        return data

    def filters(self, organization_ids: list[int]) -> Filters:
        """The chosen filters (the defaults when the form was not sent)."""
        data = self.cleaned_data if self.is_bound else {}
        return Filters(
            organization_ids=tuple(organization_ids),
            start=data.get("start") or self.initial["start"],
            end=data.get("end") or self.initial["end"],
            today=self.today,
            program_id=data.get("program"),
            site_id=data.get("site"),
            track_id=data.get("track"),
            level_of_care=data.get("level_of_care", ""),
            sex=data.get("sex", ""),
            age_group=data.get("age_group", ""),
            race=data.get("race", ""),
            ethnicity=data.get("ethnicity", ""),
            breakdown=data.get("breakdown") or "sex",
        )


class SelfReferralForm(forms.Form):
    """What a person tells the program about themselves. `website` is the honeypot: a field
    hidden from people, which only a form-filling robot fills in."""

    first_name = forms.CharField(label=_("First name"), max_length=100)
    last_name = forms.CharField(label=_("Last name"), max_length=100)
    date_of_birth = dates.DateField(
        label=_("Date of birth"), widget=forms.DateInput(attrs={"type": "date"})
    )
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    email = forms.EmailField(label=_("Email"), required=False)
    preferred_language = forms.ChoiceField(
        label=_("Language you prefer"),
        choices=[("English", _("English")), ("Spanish", _("Spanish"))],
    )
    website = forms.CharField(
        label=_("Leave this empty"),
        required=False,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "tabindex": "-1", "class": "hp-input"}
        ),
    )

    def clean(self) -> dict:
        data = super().clean() or {}
        if not data.get("phone") and not data.get("email"):
            raise forms.ValidationError(_("Give a phone number or an email so we can reach you."))
        return data
