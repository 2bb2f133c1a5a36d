"""The Medications tab: the list, adding one, recording a stop."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render

from audit.models import Action
from medications import selectors, services
from medications.forms import MedicationForm, StopForm
from medications.models import Medication
from participants.access import Scope, decide
from participants.decorators import not_found, participant_page
from participants.http import StaffRequest
from participants.selectors import program_today
from participants.views import chart_context
from tandem.errors import TandemError
from tandem.fields import refuse_on


def _render(request, participant, form, status=200) -> HttpResponse:
    context = chart_context(request, participant, "medications")
    rows = selectors.medications_for(participant, program_today(participant, context["episode"]))
    adherence = selectors.adherence(participant, rows)
    for m in rows:
        m.adherence = adherence.get(m.pk, "")
    decision = decide(request.user, participant, Action.CHANGE, Scope.CLINICAL)
    context.update(
        medications=rows,
        form=form,
        can_change=decision.allowed,
        closed_chart=decision.closed_chart,
    )
    return render(request, "medications/tab.html", context, status=status)


@participant_page(Scope.CLINICAL, methods=("GET", "POST"))
def tab(request: StaffRequest, participant) -> HttpResponse:
    organization = participant.organization
    if request.method != "POST":
        return _render(request, participant, MedicationForm(organization=organization))
    form = MedicationForm(request.POST, organization=organization)
    if form.is_valid():
        try:
            services.add_medication(participant, by=request.user, **form.cleaned_data)
        except TandemError as exc:
            refuse_on(form, exc)
        else:
            messages.success(request, "Medication added to the list.")
            return redirect("medications:tab", participant_id=participant.public_id)
    return _render(request, participant, form, status=400)


@participant_page(Scope.CLINICAL, methods=("POST",))
def stop(request: StaffRequest, participant, medication_id) -> HttpResponse:
    medication = (
        Medication.objects.current()
        .filter(public_id=medication_id, participant=participant)
        .first()
    )
    if medication is None:
        return not_found(request)
    form = StopForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Give the day it stopped.")
    else:
        try:
            services.stop_medication(
                medication,
                by=request.user,
                stopped_on=form.cleaned_data["stopped_on"],
                reason=form.cleaned_data["reason"],
                expected_version=form.cleaned_data["version"],
            )
        except TandemError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "Medication recorded as stopped.")
    return redirect("medications:tab", participant_id=participant.public_id)
