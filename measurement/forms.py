"""The program's measurement schedule as an editable table: one form per row, each with its
reason, plus the review period and the hour of the program's day reminders go out from; rows
ticked "remove" are dropped when saved."""

from django import forms

from measurement.schedule import TRIGGERS, WHEN_WORDS, Row

TRIGGER_LABELS = {
    "phq-9-item-9": "PHQ-9 item 9 above 0",
    "checkin-safety": "Yes to the check-in's safety question",
}


def instrument_choices() -> list[tuple[str, str]]:
    from assessments.instruments import all_instruments

    return [
        ("", "Choose a measure"),
        *((i.code, f"{i.short_name}: {i.name}") for i in all_instruments()),
    ]


class RowForm(forms.Form):
    instrument = forms.ChoiceField(choices=instrument_choices)
    when = forms.ChoiceField(label="Moment", choices=[("", "Choose when"), *WHEN_WORDS.items()])
    days = forms.IntegerField(label="Every (days)", min_value=1, max_value=365, required=False)
    triggers = forms.MultipleChoiceField(
        choices=[(t, TRIGGER_LABELS[t]) for t in TRIGGERS],
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    reason = forms.CharField(max_length=400, widget=forms.Textarea(attrs={"rows": 2}))

    def row(self) -> dict:
        data = self.cleaned_data
        return Row(
            instrument=data["instrument"],
            when=data["when"],
            days=data["days"],
            triggers=tuple(data["triggers"]),
            reason=data["reason"].strip(),
        ).to_dict()


RowFormSet = forms.formset_factory(RowForm, extra=1, can_delete=True)


class SettingsForm(forms.Form):
    weeks_to_improve = forms.IntegerField(
        label="Weeks without reliable improvement before a review",
        min_value=2,
        max_value=52,
    )
    morning_hour = forms.TypedChoiceField(
        label="Reminders go out from",
        choices=[(hour, f"{hour:02d}:00") for hour in range(24)],
        coerce=int,
        help_text="In the program's time zone, once a day: questionnaire reminders, and the "
        "not-on-track review and the look for missed check-ins for the care team.",
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)


def initial_rows(rows: list[Row]) -> list[dict]:
    return [
        {
            "instrument": r.instrument,
            "when": r.when,
            "days": r.days,
            "triggers": list(r.triggers),
            "reason": r.reason,
        }
        for r in rows
    ]
