"""Measurement pages: the chart's Measures tab (due list, trajectory, reliable change),
the reminder choice, kiosk mode on a clinic device, and the completion figure."""

from django.contrib import messages
from django.contrib.auth import authenticate
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from links.services import issue_link
from measurement import due, kiosk, selectors, services, trajectory
from participants.access import Action, Scope, decide
from participants.decorators import participant_page
from participants.models import Participant
from participants.selectors import current_episode
from participants.views import chart_context
from tandem.errors import TandemError
from tandem.methods import serves

TAB = "measures"


@participant_page(Scope.CLINICAL, methods=("GET",))
def tab(request: HttpRequest, participant: Participant) -> HttpResponse:
    context = chart_context(request, participant, TAB)
    episode = current_episode(participant)
    now = timezone.now()
    tz = episode.program.tz if episode is not None else timezone.get_current_timezone()
    measures = selectors.measures_for(participant)
    weeks, series = trajectory.build(participant, measures, tz=tz, today=now.astimezone(tz).date())
    choice = getattr(participant, "reminder_choice", None)
    context.update(
        due=due.due_for(episode, now=now),
        measures=measures,
        weeks=weeks,
        series=series,
        chart_svg=trajectory.svg(weeks, series),
        reminder_choice=choice,
        can_change=decide(request.user, participant, Action.CHANGE, Scope.CLINICAL).allowed,
    )
    return render(request, "measurement/tab.html", context)


@participant_page(Scope.CLINICAL, methods=("POST",))
def reminders(request: HttpRequest, participant: Participant) -> HttpResponse:
    try:
        services.set_reminder_choice(
            participant,
            by=request.user,
            email=request.POST.get("email") == "on",
            sms=request.POST.get("sms") == "on",
        )
    except TandemError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Reminder choice saved.")
    return redirect("measurement:tab", participant_id=participant.public_id)


@participant_page(Scope.CLINICAL, methods=("POST",))
def kiosk_start(request: HttpRequest, participant: Participant) -> HttpResponse:
    """Hand this device to the participant: only their due questionnaires are reachable."""
    episode = current_episode(participant)
    items = [d for d in due.due_for(episode, now=timezone.now()) if d.self_report]
    if not items:
        messages.error(request, "Nothing is due for this participant to answer.")
        return redirect("measurement:tab", participant_id=participant.public_id)
    paths = [
        (d.name, issue_link(participant, "questionnaire", ref=d.instrument, by=request.user).path)
        for d in items
    ]
    kiosk.start(request, participant, paths)
    return redirect("measurement:kiosk")


@serves("GET")
def kiosk_page(request: HttpRequest) -> HttpResponse:
    state = kiosk.state(request)
    if state is None:
        return redirect("home")
    return render(request, "measurement/kiosk.html", {"items": state["items"]})


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
