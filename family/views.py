"""The Support people tab: the list, adding one, and withdrawing one added by mistake."""

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from audit.models import Action
from consent.forms import part2_choices
from consent.models import Consent
from consent.selectors import consents_for
from family import selectors, services
from family.forms import EnteredInErrorForm, SharingForm, SignInForm, SupportPersonForm
from family.models import Sharing, SupportPerson
from participants.access import Scope, decide, decide_with_capability, may
from participants.decorators import not_found, participant_page
from participants.http import StaffRequest
from participants.models import Participant
from participants.selectors import program_today
from participants.views import chart_context
from signin.views import link_shown
from tandem.errors import InvalidInput
from tandem.fields import refuse_on


def _render(request, participant, form, status=200) -> HttpResponse:
    context = chart_context(request, participant, "support")
    record = decide(request.user, participant, Action.CREATE, Scope.CLINICAL)
    today = program_today(participant, context["episode"])
    people = selectors.support_people_for(participant)
    for person in people:
        for sharing in person.sharings.all():
            sharing.in_force = sharing.consent.in_force_on(today)
    consents = part2_choices(_unshared_consents(participant))
    shares = record.allowed and may(request.user, "consent.record", participant.organization_id)
    gives_sign_in = decide_with_capability(
        request.user, participant, "portal.invite", Action.CHANGE, Scope.CLINICAL
    ).allowed
    for person in people:
        may_sign_in = gives_sign_in and any(s.in_force for s in person.sharings.all())
        # The row's own form (its own ids), only where a sign-in may be given now.
        row: Any = person
        row.sign_in_form = SignInForm(auto_id=f"id_sign_in_{person.pk}_%s") if may_sign_in else None
    context.update(
        people=people,
        form=form,
        sharing_form=SharingForm(consents=consents) if shares and consents else None,
        can_record=record.allowed,
        closed_chart=record.closed_chart,
    )
    return render(request, "family/tab.html", context, status=status)


@participant_page(Scope.CLINICAL, methods=("GET", "POST"))
def tab(request: StaffRequest, participant) -> HttpResponse:
    if request.method != "POST":
        return _render(request, participant, SupportPersonForm())
    form = SupportPersonForm(request.POST)
    if form.is_valid():
        try:
            services.add_support_person(participant, by=request.user, **form.cleaned_data)
        except InvalidInput as exc:
            refuse_on(form, exc)
        else:
            messages.success(request, "Support person added.")
            return redirect("family:tab", participant_id=participant.public_id)
    return _render(request, participant, form, status=400)


@participant_page(Scope.CLINICAL, methods=("POST",))
def entered_in_error(request: StaffRequest, participant, person_id) -> HttpResponse:
    person = (
        SupportPerson.objects.current().filter(public_id=person_id, participant=participant).first()
    )
    if person is None:
        return not_found(request)
    form = EnteredInErrorForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Say why the support person was entered in error.")
    else:
        try:
            services.mark_entered_in_error(
                person, by=request.user, reason=form.cleaned_data["reason"]
            )
        except InvalidInput as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "Support person marked entered in error.")
    return redirect("family:tab", participant_id=participant.public_id)


def _unshared_consents(participant: Participant) -> list[Consent]:
    """The participant's Part 2 consents in force today, other than a TPO consent, that share
    with nobody yet."""
    taken = set(
        Sharing.objects.filter(consent__participant=participant).values_list("consent", flat=True)
    )
    return [
        c
        for c in consents_for(participant, program_today(participant))
        if c.is_part2 and not c.tpo and c.is_in_force and c.pk not in taken
    ]


@participant_page(Scope.CLINICAL, methods=("POST",))
def share(request: StaffRequest, participant, person_id) -> HttpResponse:
    """Record what a Part 2 consent naming this support person shares with them."""
    person = (
        SupportPerson.objects.current().filter(public_id=person_id, participant=participant).first()
    )
    if person is None:
        return not_found(request)
    unshared = _unshared_consents(participant)
    form = SharingForm(request.POST, consents=part2_choices(unshared))
    if not form.is_valid():
        messages.error(request, "Choose a Part 2 consent in force that names them.")
        return redirect("family:tab", participant_id=participant.public_id)
    data = form.cleaned_data
    chosen = data.pop("consent")
    consent = next(c for c in unshared if str(c.public_id) == chosen)
    try:
        services.record_sharing(person, consent, by=request.user, **data)
    except InvalidInput as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "What the consent shares is recorded.")
    return redirect("family:tab", participant_id=participant.public_id)


@participant_page(Scope.CLINICAL, methods=("POST",))
def invite(request: StaffRequest, participant, person_id) -> HttpResponse:
    """Give a support person their sign-in, or a new sign-in link: shown this once."""
    person = (
        SupportPerson.objects.current().filter(public_id=person_id, participant=participant).first()
    )
    if person is None:
        return not_found(request)
    form = SignInForm(request.POST) if person.user_id is None else None
    if form is not None and not form.is_valid():
        messages.error(request, "Choose the username they will sign in with.")
        return redirect("family:tab", participant_id=participant.public_id)
    try:
        issued = services.invite_support_person(
            person, by=request.user, username=form.cleaned_data["username"] if form else ""
        )
    except InvalidInput as exc:
        messages.error(request, exc.message)
        return redirect("family:tab", participant_id=participant.public_id)
    return link_shown(request, issued, back_url=reverse("family:tab", args=[participant.public_id]))
