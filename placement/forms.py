"""Forms for the level-of-care tab and the self-check; the rules stay in services."""

from typing import cast

from django import forms

from accounts.models import LevelOfCare, User
from participants.access import staff_holding
from placement import asam, self_check
from tandem import dates


class DecisionForm(forms.Form):
    """Six ratings with notes, then the day and the level chosen. Rating fields are
    rating_<id>, notes note_<id> (ASAM dimension ids)."""

    decided_on = dates.DateField(
        label="Decided on",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="The day the decision was made, such as the team meeting's; today when empty. "
        "Once the participant is admitted, the admission day at the earliest.",
    )
    chosen_level = forms.ChoiceField(
        label="Level of care chosen",
        choices=[("", "— choose —"), *LevelOfCare.choices],
        required=False,
    )
    reason = forms.CharField(
        label="Reason",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Required when the level differs from the recommendation.",
    )
    prerequisites_done = forms.BooleanField(
        label="The steps asked for above are done", required=False
    )
    refer_to = forms.CharField(
        label="Referring to (program or provider)",
        required=False,
        max_length=200,
        help_text="Required for a level this program does not provide.",
    )
    current = forms.UUIDField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for dimension in asam.DIMENSIONS:
            self.fields[f"rating_{dimension.id}"] = forms.TypedChoiceField(
                label=f"Dimension {dimension.id} — {dimension.name}",
                choices=[("", "— rate 0 to 4 —"), *asam.RATINGS],
                coerce=int,
            )
            self.fields[f"note_{dimension.id}"] = forms.CharField(
                label=f"Note on dimension {dimension.id}",
                required=False,
                max_length=2000,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def decision_fields(self) -> list[forms.BoundField]:
        """The fields after the ratings: the day, the level chosen and what goes with it."""
        return [
            self[name]
            for name in ("decided_on", "chosen_level", "reason", "prerequisites_done", "refer_to")
        ]

    def dimension_rows(self) -> list[tuple[asam.Dimension, forms.BoundField, forms.BoundField]]:
        return [(d, self[f"rating_{d.id}"], self[f"note_{d.id}"]) for d in asam.DIMENSIONS]

    def ratings(self) -> dict[str, int]:
        return {d.id: self.cleaned_data[f"rating_{d.id}"] for d in asam.DIMENSIONS}

    def notes(self) -> dict[str, str]:
        return {d.id: self.cleaned_data[f"note_{d.id}"] for d in asam.DIMENSIONS}

    def ratings_complete(self) -> bool:
        """Whether all six ratings are valid (enough for a recommendation)."""
        self.is_valid()
        return all(f"rating_{d.id}" in self.cleaned_data for d in asam.DIMENSIONS)


class AdmitForm(forms.Form):
    admitted_on = dates.DateField(
        label="Admission date", widget=forms.DateInput(attrs={"type": "date"})
    )
    primary_clinician = forms.ModelChoiceField(
        label="Primary clinician", queryset=User.objects.none(), empty_label="— choose —"
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, organization_id: int, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["primary_clinician"]).queryset = staff_holding(
            "primary_clinician.serve", organization_id
        )


class CloseForm(forms.Form):
    to_status = forms.ChoiceField(
        choices=[("transferred_out", "Transferred out"), ("declined", "Declined")]
    )
    on = dates.DateField(label="Date", widget=forms.DateInput(attrs={"type": "date"}))
    confirm = forms.BooleanField(
        required=False, label="I confirm the participant leaves care here (their care team closes)"
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class SelfCheckForm(forms.Form):
    """Every question optional: an unanswered one counts as "not sure"."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for question in self_check.QUESTIONS:
            self.fields[question.key] = forms.ChoiceField(
                label=question.text,
                choices=self_check.ANSWERS,
                widget=forms.RadioSelect,
                required=False,
            )

    def answers(self) -> dict[str, str]:
        self.is_valid()
        return {q.key: self.cleaned_data.get(q.key, "") for q in self_check.QUESTIONS}
