"""The chart's Schedule tab: a participant's week, profile, availability and groups."""

from datetime import timedelta

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render

from audit.models import Action
from participants.access import Scope, decide
from participants.decorators import participant_page, refused
from participants.http import StaffRequest
from participants.models import IN_CARE_STATUSES
from participants.views import chart_context
from scheduling import admission, notices, review, selectors, services
from scheduling.forms import (
    PreferencesForm,
    ProfileForm,
    VersionForm,
    WindowFormSet,
    window_initial,
    windows_from,
)
from scheduling.models import GroupPreference, ScheduleRun
from scheduling.views_common import render_local
from scheduling.weeks import week_start
from tandem.dates import query_date
from tandem.errors import AccessDenied, TandemError
from tandem.fields import refuse_on

TAB = "schedule"


def _profile_initial(profile) -> dict:
    return {
        "mode": profile.mode,
        "max_days": profile.max_days,
        "required_minutes": profile.required_minutes,
        "individual_minutes": profile.individual_minutes,
        "individual_staff": profile.individual_staff_id,
        "constraints": profile.constraints,
        "note": profile.note,
        "version": profile.version,
    }


def _tab(request: StaffRequest, participant, *, status: int = 200, **bound) -> HttpResponse:
    """Render the tab; `bound` replaces an unbound form with the one that failed."""
    context = chart_context(request, participant, TAB)
    context["notices"] = notices.for_participant(request, participant)
    episode = context["episode"]
    program = episode.program if episode else None
    if program is None:
        return render(request, "scheduling/participant_tab.html", context, status=status)
    monday = week_start(query_date(request, "week") or program.today())
    profile = selectors.profile_for(episode)
    preferences = list(profile.preferences.all()) if profile.pk else []
    can_edit = (
        episode.is_open and decide(request.user, participant, Action.CHANGE, Scope.SCHEDULE).allowed
    )
    context.update(
        monday=monday,
        previous=monday - timedelta(days=7),
        next=monday + timedelta(days=7),
        sessions=selectors.participant_sessions(participant, monday, monday + timedelta(days=6)),
        profile=profile,
        windows=list(profile.windows.all()) if profile.pk else [],
        pinned=[p.group for p in preferences if p.kind == GroupPreference.Kind.PIN],
        excluded=[p.group for p in preferences if p.kind == GroupPreference.Kind.EXCLUDE],
        required=profile.required_minutes or program.min_weekly_minutes,
        can_edit=can_edit,
        in_care=episode.status in IN_CARE_STATUSES,
        admission_run=selectors.latest_admission_run(episode),
    )
    run = context["admission_run"]
    if run is not None and run.status == ScheduleRun.Status.PUBLISHED:
        context["admission_reasons"] = review.placement_reasons(run)
    if can_edit:
        context["profile_form"] = bound.get("profile_form") or ProfileForm(
            program=program, initial=_profile_initial(profile)
        )
        context["availability_form"] = bound.get("availability_form") or VersionForm(
            initial={"version": profile.version}, prefix="a"
        )
        context["formset"] = bound.get("formset") or WindowFormSet(
            initial=window_initial(context["windows"]), prefix="w"
        )
        context["preferences_form"] = bound.get("preferences_form") or PreferencesForm(
            program=program,
            initial={
                "pinned": context["pinned"],
                "excluded": context["excluded"],
                "version": profile.version,
            },
        )
        context["errors"] = bound.get("errors", "")
    return render_local(request, program, "scheduling/participant_tab.html", context, status)


@participant_page(Scope.SCHEDULE, methods=("GET",))
def participant_schedule(request: StaffRequest, participant) -> HttpResponse:
    return _tab(request, participant)


@participant_page(Scope.SCHEDULE, methods=("POST",))
def participant_profile(request: StaffRequest, participant) -> HttpResponse:
    episode = selectors.open_episode(participant)
    if episode is None:
        messages.error(request, "They have no open episode to schedule.")
        return redirect("scheduling:participant", participant_id=participant.public_id)
    form = ProfileForm(request.POST, program=episode.program)
    if form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        try:
            services.save_profile(episode, by=request.user, changes=data, expected_version=version)
        except AccessDenied as exc:
            return refused(request, participant, exc)
        except TandemError as exc:
            refuse_on(form, exc)
        else:
            messages.success(request, "Scheduling profile saved.")
            return redirect("scheduling:participant", participant_id=participant.public_id)
    return _tab(request, participant, status=400, profile_form=form)


@participant_page(Scope.SCHEDULE, methods=("POST",))
def participant_availability(request: StaffRequest, participant) -> HttpResponse:
    episode = selectors.open_episode(participant)
    if episode is None:
        messages.error(request, "They have no open episode to schedule.")
        return redirect("scheduling:participant", participant_id=participant.public_id)
    version_form = VersionForm(request.POST, prefix="a")
    formset = WindowFormSet(request.POST, prefix="w")
    error = ""
    if version_form.is_valid() and formset.is_valid():
        try:
            services.set_availability(
                episode,
                by=request.user,
                windows=windows_from(formset),
                expected_version=version_form.cleaned_data["version"],
            )
        except AccessDenied as exc:
            return refused(request, participant, exc)
        except TandemError as exc:
            error = exc.message
        else:
            messages.success(request, "Availability saved.")
            return redirect("scheduling:participant", participant_id=participant.public_id)
    return _tab(
        request,
        participant,
        status=400,
        formset=formset,
        availability_form=version_form,
        errors=error or "Check the highlighted windows.",
    )


@participant_page(Scope.SCHEDULE, methods=("POST",))
def participant_preferences(request: StaffRequest, participant) -> HttpResponse:
    episode = selectors.open_episode(participant)
    if episode is None:
        messages.error(request, "They have no open episode to schedule.")
        return redirect("scheduling:participant", participant_id=participant.public_id)
    form = PreferencesForm(request.POST, program=episode.program)
    if form.is_valid():
        try:
            services.set_preferences(
                episode,
                by=request.user,
                pinned=form.cleaned_data["pinned"],
                excluded=form.cleaned_data["excluded"],
                expected_version=form.cleaned_data["version"],
            )
        except AccessDenied as exc:
            return refused(request, participant, exc)
        except TandemError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "Group choices saved.")
            return redirect("scheduling:participant", participant_id=participant.public_id)
    return _tab(request, participant, status=400, preferences_form=form)


@participant_page(Scope.SCHEDULE, methods=("POST",))
def participant_place(request: StaffRequest, participant) -> HttpResponse:
    """Mid-week admission: place them in this week's remaining sessions (in the background)."""
    episode = selectors.open_episode(participant)
    try:
        if episode is None:
            raise TandemError("They have no open episode to schedule.")
        admission.request_midweek_admission(episode, by=request.user)
    except AccessDenied as exc:
        return refused(request, participant, exc)
    except TandemError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Finding places in this week's remaining groups…")
    return redirect("scheduling:participant", participant_id=participant.public_id)


@participant_page(Scope.SCHEDULE, methods=("GET",))
def participant_admission_run(request: StaffRequest, participant) -> HttpResponse:
    """The admission run's status line, polled by htmx while the run works."""
    episode = selectors.open_episode(participant)
    run = selectors.latest_admission_run(episode) if episode else None
    response = render(
        request,
        "scheduling/_admission_run.html",
        {"admission_run": run, "participant": participant},
    )
    if run is not None and run.status not in (
        ScheduleRun.Status.QUEUED,
        ScheduleRun.Status.RUNNING,
    ):
        response["HX-Refresh"] = "true"
    return response
