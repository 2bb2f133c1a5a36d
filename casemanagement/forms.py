"""Forms of the Case management tab: they parse input; the rules live in the services."""

from typing import cast

from django import forms
from django.db.models import QuerySet

from accounts.models import User
from casemanagement.models import (
    Barrier,
    BarrierKind,
    BarrierStatus,
    Delivery,
    Resource,
    ResourceKind,
    ScheduleChange,
)
from participants.models import Episode, Participant
from tandem import dates

DATE = forms.DateInput(attrs={"type": "date"})
OUTCOMES = [
    ("attended", "Attended"),
    ("not_attended", "Did not attend"),
    ("cancelled", "Cancelled"),
]
# Left empty, the owner is whoever records it when they are on the care team, else the case
# manager, else the primary clinician (`services.owner_or_default`).
OWNER_BY_DEFAULT = "Me, else their case manager"


def _team(episode: Episode | None) -> QuerySet[User]:
    ids = [m.user_id for m in episode.care_team.all() if m.ended_on is None] if episode else []
    return User.objects.filter(pk__in=ids).order_by("last_name", "first_name")


class BarrierForm(forms.Form):
    kind = forms.ChoiceField(choices=BarrierKind.choices, label="Barrier")
    detail = forms.CharField(max_length=500, required=False)
    owner = forms.ModelChoiceField(
        queryset=User.objects.none(), required=False, empty_label=OWNER_BY_DEFAULT
    )

    def __init__(self, *args, episode: Episode | None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["owner"]).queryset = _team(episode)


class BarrierStatusForm(forms.Form):
    status = forms.ChoiceField(choices=BarrierStatus.choices)
    version = forms.IntegerField(min_value=1, max_value=2**31 - 1, widget=forms.HiddenInput)


class ChangeRequestForm(forms.Form):
    change = forms.ChoiceField(choices=ScheduleChange.choices)
    detail = forms.CharField(max_length=500, required=False)


class AnswerForm(forms.Form):
    made = forms.TypedChoiceField(
        choices=[("yes", "Change made"), ("no", "Not possible")], coerce=lambda v: v == "yes"
    )
    answer = forms.CharField(max_length=500, required=False)
    version = forms.IntegerField(min_value=1, max_value=2**31 - 1, widget=forms.HiddenInput)


class ReferralForm(forms.Form):
    resource = forms.ModelChoiceField(
        queryset=Resource.objects.none(),
        empty_label="Choose a resource",
        error_messages={"required": "Choose the resource from the list."},
    )
    made_on = dates.DateField(widget=DATE, label="Referred on")
    barrier = forms.ModelChoiceField(
        queryset=Barrier.objects.none(), required=False, empty_label="Not for a barrier"
    )
    owner = forms.ModelChoiceField(
        queryset=User.objects.none(), required=False, empty_label=OWNER_BY_DEFAULT
    )
    note = forms.CharField(max_length=500, required=False)

    def __init__(
        self,
        *args,
        participant: Participant,
        episode: Episode | None,
        resources: QuerySet[Resource],
        **kwargs,
    ) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["resource"]).queryset = resources
        cast(forms.ModelChoiceField, self.fields["barrier"]).queryset = Barrier.objects.filter(
            participant=participant
        )
        cast(forms.ModelChoiceField, self.fields["owner"]).queryset = _team(episode)


class AppointmentForm(forms.Form):
    appointment_on = dates.DateField(widget=DATE, label="Appointment date")
    appointment_detail = forms.CharField(max_length=300, required=False, label="Time and place")
    verify_on = dates.DateField(
        widget=DATE, required=False, label="Check on", help_text="Empty: the appointment date."
    )
    version = forms.IntegerField(min_value=1, max_value=2**31 - 1, widget=forms.HiddenInput)


class OutcomeForm(forms.Form):
    status = forms.ChoiceField(choices=OUTCOMES, label="What happened")
    note = forms.CharField(max_length=500, required=False)
    version = forms.IntegerField(min_value=1, max_value=2**31 - 1, widget=forms.HiddenInput)


class ResourceForm(forms.Form):
    name = forms.CharField(max_length=200)
    kind = forms.ChoiceField(choices=ResourceKind.choices)
    address = forms.CharField(max_length=300, required=False)
    phone = forms.CharField(max_length=100, required=False)
    website = forms.URLField(required=False, assume_scheme="https")
    hours = forms.CharField(max_length=200, required=False)
    languages = forms.CharField(max_length=200, required=False)
    cost = forms.CharField(max_length=200, required=False, label="Cost or insurance")
    delivery = forms.ChoiceField(choices=Delivery.choices)
    source = forms.CharField(
        max_length=300, required=False, help_text="Where the details come from."
    )
