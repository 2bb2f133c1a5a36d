"""The chart's Case management tab, its writes, and the resource directory. Thin: parse,
authorize, call a service, render."""

from collections.abc import Callable
from typing import Any, TypeVar

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from accounts.http import SignedInRequest
from accounts.models import Organization
from audit.models import Action
from audit.services import record_event
from casemanagement import forms, selectors, services
from casemanagement.models import Barrier, ResourceReferral, ScheduleChangeRequest
from participants.access import Scope, decide, may, may_open, organizations_of
from participants.decorators import not_found, participant_page, refused
from participants.http import StaffRequest
from participants.models import Participant
from participants.views import chart_context
from tandem.errors import AccessDenied, TandemError
from tandem.fields import refuse_on
from tandem.methods import serves
from tandem.views import error_page
from worklist.selectors import tasks_for_participant

TAB = "casemanagement"
Row = TypeVar("Row", Barrier, ResourceReferral)


def _tab(
    request: StaffRequest,
    participant,
    *,
    status: int = 200,
    error: str = "",
    sent_back: dict[str, Form] | None = None,
) -> HttpResponse:
    """The tab; `sent_back` holds a refused add form by its name, shown with what was typed
    and each error beside its field."""
    context = chart_context(request, participant, TAB)
    episode = context["episode"]
    resources = selectors.directory(participant.organization_id)
    context.update(
        barriers=selectors.barriers_for(participant),
        referrals=selectors.referrals_for(participant),
        tasks=tasks_for_participant(participant, today=timezone.localdate()),
        barrier_form=forms.BarrierForm(episode=episode),
        change_form=forms.ChangeRequestForm(),
        referral_form=forms.ReferralForm(
            participant=participant, episode=episode, resources=resources
        ),
        status_choices=forms.BarrierStatus.choices,
        outcome_choices=forms.OUTCOMES,
        error=error,
        can_edit=episode is not None and episode.is_open,
        closed_chart=decide(request.user, participant, Action.CHANGE, Scope.CLINICAL).closed_chart,
    )
    context.update(sent_back or {})
    return render(request, "casemanagement/tab.html", context, status=status)


def _back(participant) -> HttpResponse:
    return redirect("casemanagement:tab", participant_id=participant.public_id)


def _first_error(form) -> str:
    for field, errors in form.errors.items():
        label = form.fields[field].label or field.replace("_", " ") if field in form.fields else ""
        return f"{str(label).capitalize()}: {errors[0]}" if label else errors[0]
    return "Check the form."


def _run(
    request: StaffRequest,
    participant: Participant,
    form: Form,
    act: Callable[[dict[str, Any]], object],
    done: str,
    name: str = "",
) -> HttpResponse:
    """Validate the form, call the service, and answer: back to the tab, or the tab with
    the error (400), or the refusal page. A form the tab shows whole (`name`, its context
    name) comes back as it was sent, its error beside the field."""
    sent_back = {name: form} if name else None
    if not form.is_valid():
        error = _first_error(form)
        return _tab(request, participant, status=400, error=error, sent_back=sent_back)
    try:
        act(form.cleaned_data)
    except AccessDenied as exc:
        return refused(request, participant, exc)
    except TandemError as exc:
        if name and exc.field in form.fields:
            form.add_error(exc.field, exc.message)
        return _tab(request, participant, status=400, error=exc.message, sent_back=sent_back)
    messages.success(request, done)
    return _back(participant)


def _run_on(
    row: Row | None,
    request: StaffRequest,
    participant: Participant,
    form: Form,
    act: Callable[[Row, dict[str, Any]], object],
    done: str,
) -> HttpResponse:
    """`_run` for a write on one of the participant's barriers or referrals: not found when
    `row` (looked up within the participant) is None."""
    if row is None:
        return not_found(request)
    return _run(request, participant, form, lambda data: act(row, data), done)


def _barrier(participant, barrier_id) -> Barrier | None:
    return Barrier.objects.filter(public_id=barrier_id, participant=participant).first()


def _referral(participant, referral_id) -> ResourceReferral | None:
    return ResourceReferral.objects.filter(public_id=referral_id, participant=participant).first()


@participant_page(Scope.CLINICAL, methods=("GET",))
def tab(request: StaffRequest, participant) -> HttpResponse:
    return _tab(request, participant)


@participant_page(Scope.CLINICAL, methods=("POST",))
def barrier_add(request: StaffRequest, participant) -> HttpResponse:
    from participants.selectors import current_episode

    form = forms.BarrierForm(request.POST, episode=current_episode(participant))
    return _run(
        request,
        participant,
        form,
        lambda d: services.add_barrier(
            participant, by=request.user, kind=d["kind"], owner=d["owner"], detail=d["detail"]
        ),
        "Barrier recorded.",
        name="barrier_form",
    )


@participant_page(Scope.CLINICAL, methods=("POST",))
def barrier_status(request: StaffRequest, participant, barrier_id) -> HttpResponse:
    return _run_on(
        _barrier(participant, barrier_id),
        request,
        participant,
        forms.BarrierStatusForm(request.POST),
        lambda barrier, d: services.update_barrier(
            barrier, by=request.user, status=d["status"], expected_version=d["version"]
        ),
        "Barrier updated.",
    )


@participant_page(Scope.CLINICAL, methods=("POST",))
def change_request(request: StaffRequest, participant, barrier_id) -> HttpResponse:
    return _run_on(
        _barrier(participant, barrier_id),
        request,
        participant,
        forms.ChangeRequestForm(request.POST),
        lambda barrier, d: services.request_schedule_change(
            barrier, by=request.user, change=d["change"], detail=d["detail"]
        ),
        "Sent to the scheduler; it shows on the Schedule tab.",
    )


@participant_page(Scope.SCHEDULE, methods=("POST",))
def change_answer(request: StaffRequest, participant, request_id) -> HttpResponse:
    change = ScheduleChangeRequest.objects.filter(
        public_id=request_id, participant=participant
    ).first()
    if change is None:
        return not_found(request)
    form = forms.AnswerForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.answer_schedule_change(
                change,
                by=request.user,
                made=data["made"],
                answer=data["answer"],
                expected_version=data["version"],
            )
        except AccessDenied as exc:
            return refused(request, participant, exc)
        except TandemError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "Answer recorded.")
    else:
        messages.error(request, _first_error(form))
    return redirect("scheduling:participant", participant_id=participant.public_id)


@participant_page(Scope.CLINICAL, methods=("POST",))
def referral_add(request: StaffRequest, participant) -> HttpResponse:
    from participants.selectors import current_episode

    form = forms.ReferralForm(
        request.POST,
        participant=participant,
        episode=current_episode(participant),
        resources=selectors.directory(participant.organization_id),
    )
    return _run(
        request,
        participant,
        form,
        lambda d: services.refer(
            participant,
            by=request.user,
            resource=d["resource"],
            made_on=d["made_on"],
            owner=d["owner"],
            barrier=d["barrier"],
            note=d["note"],
        ),
        "Referral recorded.",
        name="referral_form",
    )


@participant_page(Scope.CLINICAL, methods=("POST",))
def referral_appointment(request: StaffRequest, participant, referral_id) -> HttpResponse:
    return _run_on(
        _referral(participant, referral_id),
        request,
        participant,
        forms.AppointmentForm(request.POST),
        lambda referral, d: services.set_appointment(
            referral,
            by=request.user,
            appointment_on=d["appointment_on"],
            detail=d["appointment_detail"],
            verify_on=d["verify_on"],
            expected_version=d["version"],
        ),
        "Appointment recorded; a check task comes on the check day.",
    )


@participant_page(Scope.CLINICAL, methods=("POST",))
def referral_outcome(request: StaffRequest, participant, referral_id) -> HttpResponse:
    return _run_on(
        _referral(participant, referral_id),
        request,
        participant,
        forms.OutcomeForm(request.POST),
        lambda referral, d: services.record_outcome(
            referral,
            by=request.user,
            status=d["status"],
            note=d["note"],
            expected_version=d["version"],
        ),
        "Referral updated.",
    )


def _own_organization(request: SignedInRequest) -> Organization | None:
    orgs = organizations_of(request.user)
    return Organization.objects.filter(pk__in=orgs).order_by("pk").first() if orgs else None


@serves("GET", "POST")
@login_required
def directory(request: SignedInRequest) -> HttpResponse:
    """The program's resource directory; those who keep it add local services here."""
    organization = _own_organization(request)
    if organization is None or not may_open(request.user, "casemanagement:directory"):
        return error_page(
            request, "Not allowed", "The resource directory is for staff.", status=403
        )
    keeps = may(request.user, "casemanagement.resources", organization.pk)
    form = forms.ResourceForm(request.POST or None) if keeps else None
    status = 200
    if request.method == "POST":
        if form is None:
            return error_page(
                request, "Not allowed", "Your role does not keep the directory.", status=403
            )
        if form.is_valid():
            try:
                services.add_resource(organization, by=request.user, **form.cleaned_data)
            except TandemError as exc:
                refuse_on(form, exc)
            else:
                messages.success(request, "Resource added.")
                return redirect("casemanagement:directory")
        status = 400
    record_event(
        actor=request.user,
        event_type="casemanagement.directory_viewed",
        organization=organization,
        record_type="casemanagement.Resource",
    )
    return render(
        request,
        "casemanagement/directory.html",
        {"resources": list(selectors.directory(organization.pk)), "form": form},
        status=status,
    )


def schedule_notice(request: HttpRequest, participant) -> dict | None:
    """Open change requests on the participant's Schedule tab, with the scheduler's answer
    form for those who change schedules."""
    requests = selectors.open_change_requests(participant)
    if not requests:
        return None
    return {
        "template": "casemanagement/_schedule_requests.html",
        "requests": requests,
        "can_answer": decide(request.user, participant, Action.CHANGE, Scope.SCHEDULE).allowed,
    }
