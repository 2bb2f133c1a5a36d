"""Measurement pages: the chart's Measures tab (due list, trajectory, reliable change),
the reminder choice, kiosk mode on a clinic device, and the program's schedule."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from accounts.http import SignedInRequest
from accounts.models import Program
from assessments.selectors import definition
from audit.services import record_event
from links.services import issue_link
from measurement import due, kiosk, selectors, services, trajectory
from measurement.forms import RowFormSet, SettingsForm, initial_rows
from measurement.lists import program_lists
from measurement.models import ProgramMeasurement
from participants.access import Action, Scope, beyond_reach, decide, may, uses_staff_pages
from participants.decorators import participant_page
from participants.http import StaffRequest
from participants.language import answered_in
from participants.models import Participant
from participants.selectors import current_episode, program_zone
from participants.views import chart_context
from tandem.errors import AccessDenied, TandemError
from tandem.methods import serves
from tandem.views import error_page

TAB = "measures"


@participant_page(Scope.CLINICAL, methods=("GET",))
def tab(request: StaffRequest, participant: Participant) -> HttpResponse:
    context = chart_context(request, participant, TAB)
    episode = context["episode"]
    now = timezone.now()
    tz = program_zone(participant, episode)
    measures = selectors.measures_for(participant, episode=episode)
    weeks, series = trajectory.build(
        participant, measures, tz=tz, today=now.astimezone(tz).date(), episode=episode
    )
    choice = getattr(participant, "reminder_choice", None)
    context.update(
        due=due.due_for(episode, now=now),
        stay=episode,
        earlier_stays=selectors.earlier_stays(participant, episode) if episode else [],
        measures=measures,
        weeks=weeks,
        series=series,
        chart_svg=trajectory.svg(weeks, series),
        reminder_choice=choice,
        last_reminder=selectors.last_reminder(participant),
        can_change=decide(request.user, participant, Action.CHANGE, Scope.CLINICAL).allowed,
    )
    return render(request, "measurement/tab.html", context)


@participant_page(Scope.CLINICAL, methods=("POST",))
def reminders(request: StaffRequest, participant: Participant) -> HttpResponse:
    version = request.POST.get("version", "")
    try:
        services.set_reminder_choice(
            participant,
            by=request.user,
            email=request.POST.get("email") == "on",
            sms=request.POST.get("sms") == "on",
            expected_version=int(version) if version.isdigit() else None,
        )
    except TandemError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Reminder choice saved.")
    return redirect("measurement:tab", participant_id=participant.public_id)


@participant_page(Scope.CLINICAL, methods=("POST",))
def kiosk_start(request: StaffRequest, participant: Participant) -> HttpResponse:
    """Hand this device to the participant: only their due questionnaires are reachable."""
    episode = current_episode(participant)
    items = [d for d in due.due_for(episode, now=timezone.now()) if d.self_report]
    if not items:
        messages.error(request, "Nothing is due for this participant to answer.")
        return redirect("measurement:tab", participant_id=participant.public_id)
    paths = [
        (
            d.instrument,
            issue_link(participant, "questionnaire", ref=d.instrument, by=request.user).path,
        )
        for d in items
    ]
    kiosk.start(request, participant, paths)
    return redirect("measurement:kiosk")


@serves("GET")
def kiosk_page(request: HttpRequest) -> HttpResponse:
    state = kiosk.state(request)
    if state is None:
        return redirect("home")
    # Each questionnaire by the plain title the participant's other pages give it.
    items = [
        {"instrument": definition(item["instrument"]), "path": item["path"]}
        for item in state["items"]
    ]
    return answered_in(
        state.get("language", settings.LANGUAGE_CODE),
        lambda: render(request, "measurement/kiosk.html", {"items": items}),
    )


@serves("GET", "POST")
def kiosk_end(request: HttpRequest) -> HttpResponse:
    """Back to staff: the staff member who started kiosk mode signs in with their password."""
    state = kiosk.state(request)
    if state is None:
        return redirect("home")
    if request.method == "POST":
        user = authenticate(
            request, username=request.user.get_username(), password=request.POST.get("password", "")
        )
        if user is not None and user.pk == state["staff"]:
            participant_id = kiosk.end(request)
            return redirect(reverse("measurement:tab", args=[participant_id]))
        return render(
            request,
            "measurement/kiosk_end.html",
            {"error": "That is not the password of the staff member who handed over this device."},
            status=400,
        )
    return render(request, "measurement/kiosk_end.html", {})


def _program(request: SignedInRequest, program_id) -> Program | None:
    """The program a program page names, if a member of staff whose reach takes in its
    organization asks; None (answered as an id that names nothing) otherwise, alike on every
    program page."""
    program = Program.objects.filter(public_id=program_id).first()
    if (
        program is None
        or not uses_staff_pages(request.user)
        or beyond_reach(request.user, program.organization_id)
    ):
        return None
    return program


@serves("GET", "POST")
@login_required
def schedule(request: SignedInRequest, program_id) -> HttpResponse:
    """The program's measurement schedule, rows as data with their reasons (directors).

    Shows no participant data, so it leaves no access event; each saved version is audited
    with its before and after, and a stale form is refused (ConcurrentEdit)."""
    program = _program(request, program_id)
    if program is None:
        return error_page(request, "Not found", "There is no such program.", status=404)
    if request.method != "POST" and not may(
        request.user, "measurement.configure", program.organization_id
    ):
        return error_page(
            request, "Not allowed", "Your role cannot change the schedule.", status=403
        )
    saved = ProgramMeasurement.objects.filter(program=program).first()
    rows = due.rows_for(program)
    status = 200
    if request.method == "POST":
        formset = RowFormSet(request.POST, prefix="row")
        settings_form = SettingsForm(request.POST)
        if formset.is_valid() and settings_form.is_valid():
            kept = [f.row() for f in formset.forms if f.has_changed() and not _removed(f)]
            try:
                services.set_program_schedule(
                    program,
                    by=request.user,
                    rows=kept,
                    weeks_to_improve=settings_form.cleaned_data["weeks_to_improve"],
                    morning_hour=settings_form.cleaned_data["morning_hour"],
                    version=settings_form.cleaned_data["version"],
                )
            except AccessDenied as exc:
                return error_page(request, "Not allowed", exc.message, status=403)
            except TandemError as exc:
                settings_form.add_error(None, exc.message)
            else:
                messages.success(request, "Measurement schedule saved.")
                return redirect("measurement:schedule", program_id=program.public_id)
        status = 400
    else:
        formset = RowFormSet(prefix="row", initial=initial_rows(rows))
        settings_form = SettingsForm(
            initial={
                "weeks_to_improve": saved.weeks_to_improve if saved else 6,
                "morning_hour": program.morning_hour,
                "version": saved.version if saved else None,
            }
        )
    return render(
        request,
        "measurement/schedule.html",
        {
            "program": program,
            "formset": formset,
            "settings_form": settings_form,
            "saved": saved,
            "using_default": not (saved and saved.rows),
        },
        status=status,
    )


def _removed(form) -> bool:
    return bool(form.cleaned_data.get("DELETE"))


@serves("GET")
@login_required
def lists(request: SignedInRequest, program_id) -> HttpResponse:
    """The program's risk list and due list (directors and supervisors), one audit event
    naming every participant shown."""
    program = _program(request, program_id)
    if program is None:
        return error_page(request, "Not found", "There is no such program.", status=404)
    if not may(request.user, "measurement.completion", program.organization_id):
        return error_page(
            request, "Not allowed", "These lists are for directors and supervisors.", status=403
        )
    found = program_lists(
        request.user,
        [program],
        now=timezone.now(),
        risk_page=request.GET.get("risk"),
        due_page=request.GET.get("due"),
    )
    record_event(
        actor=request.user,
        event_type="measurement.lists_viewed",
        record=program,
        organization=program.organization,
        details={
            "page": "measurement:lists",
        },
        listed=found.participants,
    )
    return render(request, "measurement/lists.html", {"program": program, "lists": found})
