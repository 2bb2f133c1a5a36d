"""The Consents tab: the list with each consent's status, recording one, revoking one."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render

from audit.models import Action
from consent import selectors, services
from consent.forms import ConsentForm, EnteredInErrorForm, RevokeForm
from consent.models import HIPAA_REDISCLOSURE, RIGHT_TO_REVOKE, Consent
from participants.access import Scope, decide, may
from participants.decorators import not_found, participant_page
from participants.http import StaffRequest
from participants.selectors import current_episode, program_today
from participants.views import chart_context
from tandem.errors import ConcurrentEdit, InvalidInput


def _render(request, participant, form, status=200) -> HttpResponse:
    context = chart_context(request, participant, "consents")
    episode = context["episode"]
    rows = selectors.consents_for(participant, program_today(participant, episode))
    holds = may(request.user, "consent.record", participant.organization_id)
    record = decide(request.user, participant, Action.CREATE, Scope.CLINICAL)
    revoke = decide(request.user, participant, Action.CHANGE, Scope.CLINICAL, addendum=True)
    context.update(
        consents=rows,
        form=form,
        can_record=holds and record.allowed,
        can_revoke=holds and revoke.allowed,
        closed_chart=record.closed_chart,
        right_to_revoke=RIGHT_TO_REVOKE,
        hipaa_redisclosure=HIPAA_REDISCLOSURE,
    )
    return render(request, "consent/tab.html", context, status=status)


def _form(participant, data=None) -> ConsentForm:
    """The form, with the program of the participant's stay as who may disclose."""
    episode = current_episode(participant)
    return ConsentForm(data, program_name=episode.program.name if episode else "")


@participant_page(Scope.CLINICAL, methods=("GET", "POST"))
def tab(request: StaffRequest, participant) -> HttpResponse:
    if request.method != "POST":
        return _render(request, participant, _form(participant))
    form = _form(participant, request.POST)
    if form.is_valid():
        try:
            services.record_consent(participant, by=request.user, **form.cleaned_data)
        except (InvalidInput, ConcurrentEdit) as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, "Consent recorded.")
            return redirect("consent:tab", participant_id=participant.public_id)
    return _render(request, participant, form, status=400)


def _consent(participant, consent_id) -> Consent | None:
    return Consent.objects.current().filter(public_id=consent_id, participant=participant).first()


# A revocation received after discharge is still recorded: it adds to the closed chart.
@participant_page(Scope.CLINICAL, methods=("POST",), addenda=True)
def revoke(request: StaffRequest, participant, consent_id) -> HttpResponse:
    consent = _consent(participant, consent_id)
    if consent is None:
        return not_found(request)
    form = RevokeForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Give the day the written revocation was received and how.")
    else:
        try:
            services.revoke_consent(consent, by=request.user, **_revocation(form))
        except (InvalidInput, ConcurrentEdit) as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "Revocation recorded.")
    return redirect("consent:tab", participant_id=participant.public_id)


def _revocation(form: RevokeForm) -> dict:
    data = dict(form.cleaned_data)
    data["expected_version"] = data.pop("version")
    return data


@participant_page(Scope.CLINICAL, methods=("POST",))
def entered_in_error(request: StaffRequest, participant, consent_id) -> HttpResponse:
    consent = _consent(participant, consent_id)
    if consent is None:
        return not_found(request)
    form = EnteredInErrorForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Say why the consent was entered in error.")
    else:
        try:
            services.mark_entered_in_error(
                consent, by=request.user, reason=form.cleaned_data["reason"]
            )
        except (InvalidInput, ConcurrentEdit) as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "Consent marked entered in error.")
    return redirect("consent:tab", participant_id=participant.public_id)
