"""Forms of the staff page and of the set-your-password page; the rules stay in the services."""

from collections.abc import Iterable
from typing import cast

from django import forms
from django.contrib.auth.forms import SetPasswordForm

from accounts.models import Organization, Role


class RolesField(forms.MultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs) -> None:
        super().__init__(choices=Role.choices, **kwargs)


def _one_organization(form: forms.Form, organizations: list[tuple[int, str]]) -> None:
    """Offer the director's organizations; with one, the field is hidden and set."""
    field = cast(forms.TypedChoiceField, form.fields["organization"])
    field.choices = organizations
    if len(organizations) == 1:
        field.widget = forms.HiddenInput()
        field.initial = organizations[0][0]


class StaffMemberForm(forms.Form):
    """A new member of staff: who they are, how they sign in, what they do here."""

    organization = forms.TypedChoiceField(label="Organization", coerce=int)
    first_name = forms.CharField(label="First name (required)", max_length=150)
    last_name = forms.CharField(label="Last name (required)", max_length=150)
    credentials = forms.CharField(
        label="Credentials", max_length=60, required=False, help_text="For example LCSW, CADC."
    )
    username = forms.CharField(
        label="Username (required)",
        max_length=150,
        help_text="What they type to sign in: letters, digits and @ . + - _ only.",
    )
    email = forms.EmailField(
        label="Email",
        max_length=254,
        required=False,
        help_text="If given, the sign-in link is also e-mailed to them.",
    )
    roles = RolesField(label="Roles (at least one)")

    def __init__(self, *args, organizations: list[tuple[int, str]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _one_organization(self, organizations)


class RejoinForm(forms.Form):
    """A former member of staff coming back: found by the username they had, with the roles
    and e-mail of now."""

    organization = forms.TypedChoiceField(label="Organization", coerce=int)
    username = forms.CharField(
        label="Their username (required)",
        max_length=150,
        help_text="The one they had, as listed above.",
    )
    email = forms.EmailField(
        label="Email",
        max_length=254,
        required=False,
        help_text="If given, the sign-in link is also e-mailed there; the address they had "
        "before is not used.",
    )
    roles = RolesField(label="Roles (at least one)")

    def __init__(self, *args, organizations: list[tuple[int, str]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _one_organization(self, organizations)


class RolesForm(forms.Form):
    """One person's roles, with the roles the page showed (`seen`), so that a save after
    another director's is refused rather than undoing theirs."""

    roles = RolesField(
        label="Roles (at least one)", error_messages={"required": "Choose at least one role."}
    )
    seen = forms.CharField(
        widget=forms.HiddenInput,
        max_length=200,
        error_messages={
            "required": "This page is out of date: open their roles again and choose again."
        },
    )

    @staticmethod
    def shown(roles: Iterable[str]) -> str:
        """The `seen` value of a page showing `roles`."""
        return ",".join(sorted(roles))

    def clean_seen(self) -> list[str]:
        seen = [r for r in self.cleaned_data["seen"].split(",") if r]
        if not seen or any(r not in Role.values for r in seen):
            raise forms.ValidationError(
                "This page is out of date: open their roles again and choose again."
            )
        return seen


class EndMembershipForm(forms.Form):
    """Which organization a membership ends in: a person may work in several of the
    director's, and each button of the staff list names its own. Whether the director may
    end it there is the view's and the service's to say."""

    UNREAD = (
        "Which organization their membership ends in could not be read: nothing was changed. "
        "Use an End membership button on the staff list."
    )

    organization = forms.ModelChoiceField(
        queryset=Organization.objects.all(),
        widget=forms.HiddenInput,
        error_messages={"required": UNREAD, "invalid_choice": UNREAD},
    )


class StaffSearchForm(forms.Form):
    """The staff page's search: staff names are not participant data, so it is a GET and
    the address keeps it for the pager and the back button."""

    text = forms.CharField(
        label="Name or username",
        max_length=150,
        required=False,
        error_messages={"max_length": "Search for at most %(limit_value)d characters."},
    )
    role = forms.ChoiceField(
        label="Role", choices=[("", "Every role"), *Role.choices], required=False
    )


class ChoosePasswordForm(SetPasswordForm):
    """Django's set-password form: the two entries must match and pass the password
    validators (`AUTH_PASSWORD_VALIDATORS`)."""
