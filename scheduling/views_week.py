"""The schedule's home and the week, day, room and facilitator views of dated sessions."""

from datetime import timedelta
from uuid import UUID

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from audit.models import Action
from audit.services import record_event
from participants.access import Scope, decide_many, may
from scheduling import rows, selectors, services, session_links
from scheduling.forms import BuildForm, CancelForm
from scheduling.models import Room, Session
from scheduling.selectors import Show
from scheduling.views_common import (
    allowed_to_read,
    missing,
    program_page,
    refused,
    render_local,
    staff_only,
)
from scheduling.weeks import week_start
from tandem.dates import query_date
from tandem.errors import TandemError
from tandem.methods import serves


@staff_only
def home(request: HttpRequest) -> HttpResponse:
    programs = selectors.programs_for(request.user)
    if not programs:
        return refused(request, "see the program schedule")
    if len(programs) == 1:
        return redirect("scheduling:week", program_id=programs[0].public_id)
    return render(request, "scheduling/programs.html", {"programs": programs})


# A program week lists its sessions on one screen up to this many; beyond it the week is
# shown counted by track and day, and a day (all of it or one track) lists them page by page.
WEEK_GRID_LIMIT = 60
# Sessions on one page of the day's list.
DAY_PAGE_SIZE = 50


def _week_page(request: HttpRequest, program, *, room=None, staff=None) -> HttpResponse:
    today = program.today()
    monday = week_start(query_date(request, "start") or today)
    sunday = monday + timedelta(days=6)
    closures = selectors.closures_between(program, monday, sunday)
    context = {
        "monday": monday,
        "previous": monday - timedelta(days=7),
        "next": monday + timedelta(days=7),
        "this_week": week_start(today),
        "room": room,
        "person": staff,
        "can_edit": may(request.user, "calendar.edit", program.organization_id),
        "can_build": False,
    }
    if room is None and staff is None:
        show = selectors.show_for(program, request.GET.get("show", ""))
        if show is None:
            return missing(request, "track")
        summary = selectors.summary(program, monday, sunday)
        everything = show.param == Show.ALL
        size = summary.group_sessions if everything else summary.count(show)
        listed = size <= WEEK_GRID_LIMIT
        sessions = (
            selectors.sessions_between(program, monday, sunday, show=show, groups_only=everything)
            if listed
            else []
        )
        days = selectors.week_days(
            program,
            monday,
            sessions,
            show_individuals=show.param == Show.INDIVIDUAL,
            individuals=summary.individuals if everything else None,
            closures=closures,
        )
        context.update(summary=summary, show=show, listed=listed, size=size)
    else:
        sessions = selectors.sessions_between(program, monday, sunday, room=room, staff=staff)
        days = selectors.week_days(
            program, monday, sessions, show_individuals=staff is not None, closures=closures
        )
    context["days"] = days
    if (
        room is None
        and staff is None
        and may(request.user, "schedule.build", program.organization_id)
    ):
        next_monday = week_start(today) + timedelta(days=7)
        context.update(
            can_build=True,
            build_form=BuildForm(initial={"week_of": next_monday, "time_limit": 30}),
            build_published=selectors.publication_of_week(program, next_monday),
            runs=selectors.recent_runs(program),
        )
    return render_local(request, program, "scheduling/week.html", context)


@program_page
def week(request: HttpRequest, program) -> HttpResponse:
    """The program's week: counted by track and day, with the groups listed when they fit on
    one screen or when one track is chosen."""
    return _week_page(request, program)


@program_page
def room_week(request: HttpRequest, program, room_id) -> HttpResponse:
    room = Room.objects.filter(public_id=room_id, site__program=program).select_related("site")
    if not room.exists():
        return missing(request, "room")
    return _week_page(request, program, room=room.get())


@program_page
def staff_week(request: HttpRequest, program, staff_id: UUID) -> HttpResponse:
    person = selectors.program_staff(program).filter(public_id=staff_id).first()
    if person is None:
        return missing(request, "staff member")
    return _week_page(request, program, staff=person)


@program_page
def day(request: HttpRequest, program) -> HttpResponse:
    """One day counted by track, and its sessions in time order a page at a time, all of
    them or one track's."""
    on = query_date(request, "on") or program.today()
    show = selectors.show_for(program, request.GET.get("show", ""))
    if show is None:
        return missing(request, "track")
    summary = selectors.summary(program, on, on)
    page, sessions, staff = selectors.sessions_page(
        program, on, show, request.GET.get("page"), DAY_PAGE_SIZE
    )
    return render_local(
        request,
        program,
        "scheduling/day.html",
        {
            "on": on,
            "session_rows": rows.session_rows(program, sessions, staff, week_start(on)),
            "page": page,
            "summary": summary,
            "show": show,
            "closed": selectors.closures_between(program, on, on).get(on),
            "previous": on - timedelta(days=1),
            "next": on + timedelta(days=1),
            "monday": week_start(on),
        },
    )


def _load_session(request: HttpRequest, session_id) -> Session | None:
    session = (
        Session.objects.filter(public_id=session_id)
        .select_related("program", "group__track", "room__site")
        .prefetch_related("staff")
        .first()
    )
    if session is None or not allowed_to_read(request, session.program):
        return None
    return session


@serves("GET")
@staff_only
def session_detail(request: HttpRequest, session_id) -> HttpResponse:
    """One dated session and who is expected; names only of people the viewer may see."""
    session = _load_session(request, session_id)
    if session is None:
        return missing(request, "session")
    enrolments = selectors.session_enrolments(session)
    decisions = decide_many(
        request.user, [e.participant for e in enrolments], Action.VIEW, Scope.SCHEDULE
    )
    shown = [e for e in enrolments if decisions[e.participant_id].allowed]
    if shown:
        record_event(
            actor=request.user,
            event_type="session.roster_viewed",
            record=session,
            listed=[e.participant for e in shown],
        )
    return render_local(
        request,
        session.program,
        "scheduling/session.html",
        {
            "session": session,
            "enrolments": shown,
            "hidden": len(enrolments) - len(shown),
            "ended": session.ends_at <= timezone.now(),
            "can_cancel": may(request.user, "calendar.edit", session.program.organization_id)
            and session.status == Session.Status.SCHEDULED
            and session.ends_at > timezone.now(),
            "cancel_form": CancelForm(),
            "links": session_links.for_session(request.user, session),
        },
    )


@require_POST
@staff_only
def session_cancel(request: HttpRequest, session_id) -> HttpResponse:
    session = _load_session(request, session_id)
    if session is None:
        return missing(request, "session")
    form = CancelForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Say why the session is cancelled.")
    else:
        try:
            services.cancel_session(session, by=request.user, reason=form.cleaned_data["reason"])
        except TandemError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "Session cancelled.")
            # The confirmation page lists who was told and the make-up options.
            return redirect("attendance:cancellation", session_id=session.public_id)
    return redirect("scheduling:session", session_id=session.public_id)
