"""Forms of the plan pages; the services hold the rules, these only read the fields."""

from collections.abc import Iterable
from typing import Any

from django import forms
from django.forms import BoundField
from django.utils.translation import gettext_lazy as _

from accounts.models import Role
from placement.asam import DIMENSIONS
from plans import measures
from plans.models import (
    AcknowledgedVia,
    Comparator,
    Objective,
    ObjectiveOutcome,
    ProblemDomain,
    ReviewReason,
)
from tandem import dates

ROLE_CHOICES = [
    (r.value, r.label) for r in Role if r not in (Role.FRONT_DESK, Role.BILLING, Role.AUDITOR)
]


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, max_value=2**31 - 1)


class ProblemForm(VersionForm):
    row = forms.UUIDField(required=False, widget=forms.HiddenInput)
    domain = forms.ChoiceField(choices=ProblemDomain.choices)
    statement = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)
    dimensions = forms.MultipleChoiceField(
        choices=[(d.id, f"{d.id} — {d.name}") for d in DIMENSIONS],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="ASAM dimensions it addresses",
    )

    def __init__(self, *args, diagnoses=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["diagnoses"] = forms.MultipleChoiceField(
            choices=[(str(d.public_id), f"{d.code} {d.description}") for d in diagnoses],
            required=False,
            widget=forms.CheckboxSelectMultiple,
            label="Diagnoses it addresses",
        )


class GoalForm(VersionForm):
    row = forms.UUIDField(required=False, widget=forms.HiddenInput)
    problem = forms.UUIDField(widget=forms.HiddenInput)
    text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        label="Goal, in the participant's own words",
    )


class ObjectiveForm(VersionForm):
    row = forms.UUIDField(required=False, widget=forms.HiddenInput)
    goal = forms.UUIDField(widget=forms.HiddenInput)
    text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), max_length=2000, label="Objective"
    )
    target_date = dates.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    measure_key = forms.ChoiceField(
        choices=lambda: [("", "Not bound to a measure"), *measures.choices()],
        required=False,
        label="Measured by",
    )
    comparator = forms.ChoiceField(choices=[("", "No target"), *Comparator.choices], required=False)
    target_value = forms.DecimalField(required=False, max_digits=9, decimal_places=2)


class InterventionForm(VersionForm):
    row = forms.UUIDField(required=False, widget=forms.HiddenInput)
    objective = forms.UUIDField(widget=forms.HiddenInput)
    modality = forms.IntegerField(widget=forms.Select, min_value=1, max_value=2**31 - 1)
    frequency = forms.CharField(max_length=80, help_text="For example: 3 times a week.")
    responsible_role = forms.ChoiceField(choices=ROLE_CHOICES, label="Who")
    detail = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 1}), required=False, max_length=2000
    )

    def __init__(self, *args, modalities=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["modality"].widget.choices = [(m.pk, m.name) for m in modalities]


class RemoveForm(VersionForm):
    part = forms.ChoiceField(
        choices=[(k, k) for k in ("problem", "goal", "objective", "intervention")]
    )
    row = forms.UUIDField()


class SuggestionForm(VersionForm):
    key = forms.CharField(max_length=200)
    statement = forms.CharField(max_length=2000, required=False)


class RevisionForm(forms.Form):
    change_summary = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        label="What this revision changes",
    )


class AcknowledgeForm(forms.Form):
    via = forms.ChoiceField(
        choices=AcknowledgedVia.choices, initial=AcknowledgedVia.IN_PERSON, widget=forms.HiddenInput
    )
    # The version the participant read (the portal); staff name it in the address. The labels
    # name a refused field in the participant's language ("Comentario: ...").
    plan = forms.UUIDField(label=_("Plan"), widget=forms.HiddenInput, required=False)
    comment = forms.CharField(
        label=_("Comment"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=2000,
    )


OUTCOME_FIELD = "outcome-"
COMMENT_FIELD = "comment-"


class ReviewForm(forms.Form):
    """A review that keeps the plan unchanged, and what it found of each objective it took up:
    an `outcome-<objective id>` and a `comment-<objective id>` field per objective of the
    version reviewed. An outcome posted for any other objective is handed to the service as
    posted, which refuses it."""

    OUTCOMES_HELP = (
        "Judge only the objectives this review took up. Met or discontinued closes an "
        "objective, so it is no longer past its date; continued keeps its target date as it "
        "is: to give it a new date, revise the plan."
    )

    reason = forms.ChoiceField(choices=ReviewReason.choices)
    reviewed_on = dates.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), max_length=4000, label="What the review found"
    )

    def __init__(self, *args: Any, objectives: Iterable[Objective] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.objectives = list(objectives)
        for o in self.objectives:
            self.fields[f"{OUTCOME_FIELD}{o.public_id}"] = forms.ChoiceField(
                choices=[("", "Not judged at this review"), *ObjectiveOutcome.choices],
                required=False,
                label=f"Outcome of “{o.text}”",
            )
            self.fields[f"{COMMENT_FIELD}{o.public_id}"] = forms.CharField(
                max_length=300, required=False, label="Comment on the outcome (optional)"
            )

    @property
    def outcome_fields(self) -> list[tuple[Objective, BoundField, BoundField]]:
        """Each objective with its outcome and comment fields, in the plan's order."""
        return [
            (o, self[f"{OUTCOME_FIELD}{o.public_id}"], self[f"{COMMENT_FIELD}{o.public_id}"])
            for o in self.objectives
        ]

    def outcomes(self) -> list[dict[str, str]]:
        """The outcomes posted, for `services.record_review`: each objective judged (an empty
        outcome is one not judged), with its comment."""
        judged = []
        for key in self.data:
            if not key.startswith(OUTCOME_FIELD):
                continue
            objective = key.removeprefix(OUTCOME_FIELD)
            comment_key = f"{COMMENT_FIELD}{objective}"
            if key in self.cleaned_data:
                outcome = self.cleaned_data[key]
                comment = self.cleaned_data.get(comment_key, "")
            else:
                outcome = self.data.get(key, "")
                comment = self.data.get(comment_key, "")
            if outcome:
                judged.append({"objective": objective, "outcome": outcome, "comment": comment})
        return judged


class SettingsForm(VersionForm):
    cosign_required = forms.BooleanField(required=False, label="A supervisor co-signs every plan")
    block_scheduling_until_signed = forms.BooleanField(
        required=False, label="A participant becomes active only once their first plan is signed"
    )


class ModalityForm(forms.Form):
    name = forms.CharField(max_length=80)


class EnteredInErrorForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=300,
        label="Why this version was entered in error",
    )


class ReviewEnteredInErrorForm(forms.Form):
    """Withdraw a review that kept the plan unchanged: the review goes whole, with every
    outcome it judged."""

    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=300,
        label="Why this review was entered in error",
        help_text="The review is withdrawn whole, with every objective's outcome it recorded. "
        "To correct one outcome, mark the review entered in error and record the review again.",
    )
