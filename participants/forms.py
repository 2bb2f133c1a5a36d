"""Forms for referrals, demographics and episode moves; rules stay in services."""

from typing import cast

from django import forms
from django.forms.models import ModelChoiceIterator
from django.utils import timezone

from accounts.models import Program, Site, User
from participants.models import CareTeamRole, Episode, EpisodeStatus, Participant, SexAtBirth
from participants.services import DEMOGRAPHIC_FIELDS
from tandem import dates

DEMOGRAPHIC_WIDGETS = {
    "date_of_birth": forms.DateInput(attrs={"type": "date"}),
    "address": forms.TextInput(),
}


class DemographicsForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = Participant
        fields = list(DEMOGRAPHIC_FIELDS)
        widgets = DEMOGRAPHIC_WIDGETS


class ReferralDetailsForm(forms.Form):
    """What a referral says about the person and how they came to the program: the page adds
    the program and site as choices (`ReferralForm`), the API names them by id, and both are
    held to these rules."""

    legal_first_name = forms.CharField(max_length=100)
    legal_last_name = forms.CharField(max_length=100)
    preferred_name = forms.CharField(max_length=100, required=False)
    pronouns = forms.CharField(max_length=40, required=False)
    date_of_birth = dates.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    sex_at_birth = forms.ChoiceField(choices=SexAtBirth.choices, initial=SexAtBirth.UNKNOWN)
    phone = forms.CharField(max_length=30, required=False)
    email = forms.EmailField(required=False)
    referred_on = dates.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    referral_source = forms.CharField(max_length=120, required=False)
    duplicate_reason = forms.CharField(
        label="Why a new record is needed",
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=500,
        required=False,
        help_text="Only when the person may already have a record; shown to the auditor.",
    )


class ReferralForm(ReferralDetailsForm):
    program = forms.ModelChoiceField(
        queryset=Program.objects.none(), empty_label="Choose a program"
    )
    site = forms.ModelChoiceField(
        queryset=Site.objects.none(), required=False, empty_label="No site yet"
    )
    # The program and site follow the person's details, before the referral's date and source.
    field_order = [
        "legal_first_name",
        "legal_last_name",
        "preferred_name",
        "pronouns",
        "date_of_birth",
        "sex_at_birth",
        "phone",
        "email",
        "program",
        "site",
    ]

    def __init__(self, *args, programs, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["program"]).queryset = programs
        cast(forms.ModelChoiceField, self.fields["site"]).queryset = Site.objects.filter(
            program__in=programs
        )
        only = programs.first() if programs.count() == 1 else None
        if only is not None:
            self.fields["program"].initial = only
        # Most referrals are entered the day they arrive: the form starts on the program's today.
        self.fields["referred_on"].initial = only.today() if only else timezone.localdate()


class TransitionForm(forms.Form):
    """No status is preselected; leaving care also needs a reason and the confirmation box
    (the service checks both, so the API is held to the same rule)."""

    to_status = forms.ChoiceField(
        label="New status", choices=[("", "Choose a new status"), *EpisodeStatus.choices]
    )
    on = dates.DateField(label="Date", widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(
        max_length=Episode._meta.get_field("status_reason").max_length, required=False
    )
    confirm = forms.BooleanField(
        required=False,
        label="I confirm: leaving care ends their future sessions and closes their care team",
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class BreakGlassForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        min_length=10,
        help_text="Say why you need this record now. Your reason is shown to the auditor.",
    )


# A name or record number is short; a longer text is a paste accident, and an unbounded one
# overflows SQLite's limit on LIKE patterns.
SEARCH_TEXT_LIMIT = 200


# A reason for taking someone off the care team is a sentence, not a note.
CARE_TEAM_END_REASON_LIMIT = 300


class SearchForm(forms.Form):
    text = forms.CharField(
        required=False,
        max_length=SEARCH_TEXT_LIMIT,
        label="Name or record number",
        error_messages={"max_length": "Search for at most %(limit_value)d characters."},
    )
    dob = dates.DateField(
        required=False, label="Date of birth", widget=forms.DateInput(attrs={"type": "date"})
    )


class CareTeamAddForm(forms.Form):
    """No staff member and no role are preselected: each addition is a deliberate choice.

    `replaces` is offered only when there is a primary clinician and carries who they are
    (the template renders it as one unticked box naming them), so a stale page cannot
    replace someone other than the person it named.
    """

    user = forms.ModelChoiceField(
        queryset=User.objects.none(), label="Staff member", empty_label="Choose a staff member"
    )
    role = forms.ChoiceField(choices=[("", "Choose a role"), *CareTeamRole.choices])
    replaces = forms.ModelChoiceField(queryset=User.objects.none(), required=False)

    def __init__(self, *args, staff, primary=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["user"]).queryset = staff
        self.primary = primary
        if primary is not None:
            cast(forms.ModelChoiceField, self.fields["replaces"]).queryset = User.objects.filter(
                pk=primary.pk
            )

    def staff_choices(self) -> list[tuple]:
        """The staff select's options, read in one query: the chart writes its selects out
        itself, as rendering an option per staff member through widget templates is slow.
        The rows are fetched at once rather than through the iterator a select uses, which
        on PostgreSQL opens, reads and closes a server-side cursor: three round trips."""
        field = cast(forms.ModelChoiceField, self.fields["user"])
        options = ModelChoiceIterator(field)
        empty = [] if field.empty_label is None else [("", field.empty_label)]
        return [*empty, *(options.choice(user) for user in options.queryset.all())]


class CareTeamEndForm(forms.Form):
    """Taking someone off the care team: why (kept with the ended place), and the version of
    the place the page showed, so a page opened before someone else changed it is refused."""

    reason = forms.CharField(
        label="Why they leave the care team",
        max_length=CARE_TEAM_END_REASON_LIMIT,
        strip=True,
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
