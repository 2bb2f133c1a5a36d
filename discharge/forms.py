"""The discharge form: the decision, the aftercare plan, the follow-up consent, and one
choice per item still open on the participant."""

from django import forms

from accounts.models import User
from discharge.handover import OpenItem
from discharge.models import Aftercare, Discharge, FollowUpChannel, Handover
from discharge.services import AFTERCARE_FIELDS
from discharge.types import DischargeType
from tandem import dates

# Written after the label of each field that must be filled, as words, so it reads the same
# to everyone (not a colour or an asterisk).
REQUIRED = "(required)"


class DischargeForm(forms.ModelForm):
    type = forms.ChoiceField(
        label="Discharge type", choices=[("", "Choose the discharge type"), *DischargeType.choices]
    )
    date = dates.DateField(label="Discharge date", widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(
        label="Why the participant is leaving care",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=Discharge._meta.get_field("reason").max_length,
    )
    first_appointment_on = dates.DateField(
        label="First appointment date",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    follow_up_consent = forms.BooleanField(
        required=False, label="The participant agrees to be contacted for alumni follow-up"
    )
    channel = forms.ChoiceField(
        label="How to contact them",
        required=False,
        choices=[("", "No contact"), *FollowUpChannel.choices],
    )
    confirm = forms.BooleanField(
        label="I confirm: discharge ends their future sessions and closes their care team and chart"
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = Aftercare
        fields = [f for f in AFTERCARE_FIELDS if f != "first_appointment_on"]
        widgets = {
            "first_appointment_at": forms.TimeInput(attrs={"type": "time"}),
            **{
                name: forms.Textarea(attrs={"rows": 2})
                for name in (
                    "medications",
                    "mutual_help",
                    "recovery_housing",
                    "peer_contact",
                    "safety_plan",
                    "crisis_resources",
                )
            },
        }

    def __init__(self, *args, items: list[OpenItem], takers: list[User], **kwargs) -> None:
        """`takers`: whom the items can be handed to (`handover.takers`), read once for
        every item's list."""
        super().__init__(*args, **kwargs)
        self.items = items
        by_pk = {str(user.pk): user for user in takers}
        people = [("", "No one (closing it)"), *((pk, str(user)) for pk, user in by_pk.items())]
        for item in items:
            self.fields[f"choice:{item.key}"] = forms.ChoiceField(
                label=item.title, choices=Handover.Choice.choices, widget=forms.RadioSelect
            )
            self.fields[f"to:{item.key}"] = forms.TypedChoiceField(
                label="Hand over to",
                choices=people,
                coerce=by_pk.__getitem__,
                empty_value=None,
                required=False,
            )
            self.fields[f"note:{item.key}"] = forms.CharField(
                label="Note (why it can be closed, or what the next owner needs)",
                max_length=300,
                required=False,
            )
        for field in self.fields.values():
            if field.required and field.label and not field.widget.is_hidden:
                field.label = f"{field.label} {REQUIRED}"

    def item_rows(self) -> list[dict]:
        return [
            {
                "item": item,
                "choice": self[f"choice:{item.key}"],
                "to": self[f"to:{item.key}"],
                "note": self[f"note:{item.key}"],
            }
            for item in self.items
        ]

    def field_for(self, key: str | None) -> str | None:
        """The field a refusal names, so its message stands beside it: a field of the form,
        or an open item's choice (the service names an item by its key); None for the rest."""
        if key in self.fields:
            return key
        if f"choice:{key}" in self.fields:
            return f"choice:{key}"
        return None

    def aftercare_fields(self) -> list:
        return [self[name] for name in AFTERCARE_FIELDS]


class SummaryForm(forms.Form):
    course = forms.CharField(
        label="Course of treatment",
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
        max_length=8000,
    )
    condition_at_discharge = forms.CharField(
        label="Condition at discharge",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=4000,
    )
    recommendations = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=4000
    )
    addendum_reason = forms.CharField(
        label="Reason for the addendum", required=False, max_length=500
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


class CallForm(forms.Form):
    reached = forms.BooleanField(required=False, label="Reached the participant")
    note = forms.CharField(max_length=500)
    version = forms.IntegerField(widget=forms.HiddenInput)


class AftercareForm(forms.ModelForm):
    """The aftercare plan after discharge: every part of it, and whether the first
    appointment was kept."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = Aftercare
        fields = [*AFTERCARE_FIELDS, "first_appointment_kept"]
        widgets = {
            **DischargeForm.Meta.widgets,
            "first_appointment_on": forms.DateInput(attrs={"type": "date"}),
        }

    def changes(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}
