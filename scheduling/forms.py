"""Forms of the schedule pages: they parse input; the rules live in the services."""

from datetime import timedelta
from typing import cast

from django import forms

from accounts.models import Site, User
from scheduling.models import (
    AttendanceMode,
    Constraint,
    Group,
    Room,
    SessionMode,
    Track,
    Weekday,
)
from scheduling.selectors import program_staff
from scheduling.services import GROUP_FIELDS
from tandem import dates
from tandem.fields import RecordsField

DATE = forms.DateInput(attrs={"type": "date"})
TIME = forms.TimeInput(attrs={"type": "time", "step": 900}, format="%H:%M")


class GroupForm(forms.Form):
    title = forms.CharField(max_length=150)
    curriculum_module = forms.CharField(
        max_length=150, required=False, label="Topic / curriculum module"
    )
    track = forms.ModelChoiceField(
        queryset=Track.objects.none(), required=False, empty_label="No track"
    )
    weekday = forms.TypedChoiceField(choices=Weekday.choices, coerce=int)
    start_time = forms.TimeField(widget=TIME, label="Starts at")
    minutes = forms.IntegerField(min_value=1, initial=180, label="Length (minutes)")
    mode = forms.ChoiceField(choices=SessionMode.choices, initial=SessionMode.IN_PERSON)
    room = forms.ModelChoiceField(
        queryset=Room.objects.none(),
        required=False,
        empty_label="No room",
        help_text="For in-person groups.",
    )
    video_link = forms.URLField(
        required=False, assume_scheme="https", help_text="For virtual groups."
    )
    capacity = forms.IntegerField(min_value=1, initial=12)
    min_size = forms.IntegerField(min_value=0, initial=3, label="Minimum size")
    facilitators = RecordsField(queryset=User.objects.none(), widget=forms.CheckboxSelectMultiple)
    is_active = forms.BooleanField(
        required=False, initial=True, label="Running (untick to retire the group)"
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, program, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["track"]).queryset = Track.objects.filter(
            program=program
        ).order_by("name")
        cast(forms.ModelChoiceField, self.fields["room"]).queryset = (
            Room.objects.filter(site__program=program)
            .select_related("site")
            .order_by("site__name", "name")
        )
        cast(RecordsField, self.fields["facilitators"]).queryset = program_staff(program)

    @staticmethod
    def initial_for(group: Group) -> dict:
        return {
            **{name: getattr(group, name) for name in (*GROUP_FIELDS, "version")},
            "facilitators": list(group.facilitators.all()),
        }


class TrackForm(forms.Form):
    name = forms.CharField(max_length=100)
    description = forms.CharField(max_length=300, required=False)


class RoomForm(forms.Form):
    site = forms.ModelChoiceField(queryset=Site.objects.none(), empty_label="Choose a site")
    name = forms.CharField(max_length=100)
    capacity = forms.IntegerField(min_value=1)

    def __init__(self, *args, program, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["site"]).queryset = program.sites.order_by("name")


class ClosureForm(forms.Form):
    date = dates.DateField(widget=DATE)
    reason = forms.CharField(max_length=150, help_text="For example: Thanksgiving.")


class CancelForm(forms.Form):
    reason = forms.CharField(max_length=200, label="Why is it cancelled?")


class WindowForm(forms.Form):
    weekday = forms.TypedChoiceField(
        choices=[("", "No window"), *Weekday.choices], coerce=int, required=False, empty_value=None
    )
    start = forms.TimeField(widget=TIME, required=False)
    end = forms.TimeField(widget=TIME, required=False)

    def clean(self) -> dict[str, object]:
        super().clean()
        data = self.cleaned_data
        filled = [data.get(k) is not None for k in ("weekday", "start", "end")]
        if any(filled) and not all(filled):
            raise forms.ValidationError(
                "Give the day, the start and the end, or leave all three empty."
            )
        return data


WindowFormSet = forms.formset_factory(WindowForm, extra=3, max_num=40)


def windows_from(formset) -> list[tuple]:
    """The filled rows of a window formset as (weekday, start, end)."""
    return [
        (f.cleaned_data["weekday"], f.cleaned_data["start"], f.cleaned_data["end"])
        for f in formset.forms
        if f.cleaned_data.get("weekday") is not None
    ]


def window_initial(rows) -> list[dict]:
    return [{"weekday": r.weekday, "start": r.start_time, "end": r.end_time} for r in rows]


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


class ProfileForm(forms.Form):
    mode = forms.ChoiceField(choices=AttendanceMode.choices, label="Attends")
    max_days = forms.IntegerField(min_value=1, max_value=7, label="At most this many days a week")
    required_minutes = forms.IntegerField(
        required=False,
        min_value=0,
        label="Required minutes a week",
        help_text="Empty: the program minimum.",
    )
    individual_minutes = forms.IntegerField(
        min_value=0, label="Weekly individual session (minutes, 0 for none)"
    )
    individual_staff = forms.ModelChoiceField(
        queryset=User.objects.none(),
        required=False,
        label="Individual session with",
        empty_label="Primary clinician",
    )
    constraints = forms.MultipleChoiceField(
        choices=Constraint.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="What shapes their week",
    )
    note = forms.CharField(max_length=300, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, program, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["individual_staff"]).queryset = program_staff(
            program
        )


class PreferencesForm(forms.Form):
    pinned = RecordsField(
        queryset=Group.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Keep in",
    )
    excluded = RecordsField(
        queryset=Group.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Never in",
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, program, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        groups = Group.objects.filter(program=program, is_active=True).order_by(
            "weekday", "start_time", "title"
        )
        cast(RecordsField, self.fields["pinned"]).queryset = groups
        cast(RecordsField, self.fields["excluded"]).queryset = groups


class BuildForm(forms.Form):
    week_of = dates.DateField(widget=DATE, label="Week of")
    time_limit = forms.IntegerField(
        min_value=5,
        max_value=600,
        initial=30,
        label="How long to search for the best week (seconds)",
    )


class EditForm(forms.Form):
    participant = forms.CharField(max_length=64)
    session = forms.CharField(max_length=64, label="Group")
    action = forms.ChoiceField(choices=[("add", "Add"), ("remove", "Remove")])


class PublishForm(forms.Form):
    starts_on = dates.DateField(widget=DATE, label="From")
    weeks = forms.IntegerField(
        min_value=1, max_value=12, initial=1, label="Weeks (the same weekly pattern repeats)"
    )
    accept_warnings = forms.BooleanField(
        required=False, label="Publish even though the changes above break the rules listed"
    )
    # The hand edits the proposal had when the page showed it: publishing refuses a proposal
    # changed since, so what goes out is what the director reviewed.
    edits_seen = forms.IntegerField(min_value=0, widget=forms.HiddenInput)

    def range(self) -> tuple:
        first = self.cleaned_data["starts_on"]
        return first, first + timedelta(days=7 * self.cleaned_data["weeks"] - 1)
