"""The chart's Portal tab: whether the participant has a portal login, when they last signed
in, and for the clinicians who give logins, inviting them, a new sign-in link, turning it off."""

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from audit.models import Action
from participants.access import Scope, decide_with_capability
from participants.decorators import participant_page
from participants.http import StaffRequest
from participants.views import chart_context
from portal import services
from signin.invitations import open_invitation
from signin.views import link_shown
from tandem.errors import InvalidInput
from tandem.fields import refuse_on


class PortalLoginForm(forms.Form):
    username = forms.CharField(
        label="Username (required)",
        max_length=150,
        help_text="What they type to sign in: letters, digits and @ . + - _ only.",
    )


def _render(request: StaffRequest, participant, form=None, status: int = 200) -> HttpResponse:
    context = chart_context(request, participant, "portal")
    account = participant.user
    gives = decide_with_capability(
        request.user, participant, "portal.invite", Action.CHANGE, Scope.DEMOGRAPHICS
    ).allowed
    context.update(
        account=account,
        open_invitation=open_invitation(account) if account is not None else None,
        can_invite=gives,
        form=form or (PortalLoginForm() if account is None else None),
    )
    return render(request, "portal/access.html", context, status=status)


@participant_page(Scope.DEMOGRAPHICS, methods=("GET",))
def access(request: StaffRequest, participant) -> HttpResponse:
    return _render(request, participant)


@participant_page(Scope.DEMOGRAPHICS, methods=("POST",))
def invite(request: StaffRequest, participant) -> HttpResponse:
    """Invite the participant to the portal, or send them a new sign-in link: the link is shown
    this once."""
    form = PortalLoginForm(request.POST) if participant.user_id is None else None
    if form is not None and not form.is_valid():
        return _render(request, participant, form, status=400)
    try:
        issued = services.invite_to_portal(
            participant,
            by=request.user,
            username=form.cleaned_data["username"] if form is not None else "",
        )
    except InvalidInput as exc:
        if form is None:
            messages.error(request, exc.message)
            return redirect("portal:access", participant_id=participant.public_id)
        refuse_on(form, exc)
        return _render(request, participant, form, status=400)
    return link_shown(
        request, issued, back_url=reverse("portal:access", args=[participant.public_id])
    )


@participant_page(Scope.DEMOGRAPHICS, methods=("POST",))
def turn_off(request: StaffRequest, participant) -> HttpResponse:
    try:
        services.turn_off_portal(participant, by=request.user)
    except InvalidInput as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Portal access is off: they can no longer sign in.")
    return redirect("portal:access", participant_id=participant.public_id)
