"""Roll call, today's sessions, the cancellation page, the dose pages and the chart tab.

Thin: parse, authorize, call a service, render. Roll call rows post with htmx and get their
own row back (saved, refused with a reason, or overtaken by someone else's entry).
"""

from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import Any, Literal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

from accounts.http import SignedInRequest, is_htmx
from attendance import dose, dose_table, selectors, services
from attendance.models import PARTIAL_STATUSES, AttendanceStatus
from audit.context import counting_events
from audit.models import Action, Outcome
from audit.services import record_event
from participants.access import (
    RollCallAccess,
    Scope,
    beyond_reach,
    decide,
    may,
    may_open,
    roll_call_access,
    roll_call_rows,
    uses_staff_pages,
    visible_participants,
)
from participants.decorators import (
    carries_participant_data,
    not_found,
    participant_page,
    staff_address,
)
from participants.http import StaffRequest
from participants.models import IN_CARE_STATUSES, Participant
from participants.views import chart_context
from scheduling.models import Session
from tandem.dates import query_date
from tandem.errors import AccessDenied, ConcurrentEdit, InvalidInput, TandemError
from tandem.fields import public_id
from tandem.methods import serves
from tandem.templatetags.clock import day
from tandem.views import error_page


class SessionPageRequest(SignedInRequest):
    """A session page's request: `showing` names who the response shows, for its audit event."""

    showing: tuple[Session, RollCallAccess, list[Participant]] | None


# The roll call's buttons, in the order a facilitator reads them.
STATUS_BUTTONS = [
    (AttendanceStatus.PRESENT, "Present"),
    (AttendanceStatus.LATE, "Late"),
    (AttendanceStatus.LEFT_EARLY, "Left early"),
    (AttendanceStatus.VIRTUAL, "Virtual"),
    (AttendanceStatus.EXCUSED, "Excused"),
    (AttendanceStatus.UNEXCUSED, "Unexcused"),
]


def _forbidden(request: HttpRequest, message: str) -> HttpResponse:
    return error_page(request, "Not allowed", message, status=403)


def _forbidden_fragment(request: HttpRequest, exc: AccessDenied) -> HttpResponse:
    """A refused roll call write: the reason only, never the roll call's rows."""
    if not is_htmx(request):
        return _forbidden(request, exc.message)
    return render(request, "attendance/_refused.html", {"message": exc.message}, status=403)


def _session_not_found(request: HttpRequest) -> HttpResponse:
    return error_page(request, "Session not found", "No session has that id.", status=404)


def _refuse_view(request: HttpRequest, session: Session, access: RollCallAccess) -> HttpResponse:
    """The refusal of a roll call to someone of its organization, audited."""
    record_event(
        actor=request.user,
        event_type="roll_call.viewed",
        record=session,
        outcome=Outcome.REFUSED,
        role=access.role,
        details={"scope": str(Scope.SCHEDULE), "why": access.why},
    )
    return _forbidden(
        request, "Only the session's facilitators and the program's schedule staff see it."
    )


def session_page(*methods: str, needs: Literal["view", "record", "session"] = "view") -> Callable:
    """Serve `methods` only on one session's page, and leave one event for a response that
    lists participants.

    The session is loaded and the roll-call access answered once, here: `needs="view"` refuses
    someone who may not see the roll call, `needs="record"` someone who may not record it
    (both leave their refusal event); `needs="session"` leaves the check to the service.
    The view is called with the session and the access answer.

    A view marks who its response shows with `_showing`; the page writes a view event naming
    those of them no event of the view (or the service it called) already named. A roll call
    row sent back with a bad minutes count shows a participant without writing anything, and
    the roll sent back after a drop-in or "mark all present" shows everyone while the writes
    name only the people written: each shown must still leave a trace.
    """

    def decorator(view: Callable) -> Callable:
        @serves(*methods)
        @login_required
        @staff_address(
            "session_id", selectors.session_by_public_id, "roll_call.viewed", Scope.SCHEDULE
        )
        @wraps(view)
        def wrapper(request: SessionPageRequest, session_id, **kwargs) -> HttpResponse:
            request.showing = None
            session = selectors.session_by_public_id(session_id)
            if session is None:
                return _session_not_found(request)
            access = roll_call_access(request.user, session)
            if beyond_reach(request.user, session.program.organization_id):
                _refuse_view(request, session, access)
                return _session_not_found(request)
            if needs == "view" and not access.can_view:
                return _refuse_view(request, session, access)
            if needs == "record":
                try:
                    services.require_roll_call(request.user, session)
                except AccessDenied as exc:
                    return _forbidden_fragment(request, exc)
            with counting_events() as events:
                response = view(request, session, access, **kwargs)
            shown = request.showing
            if shown is None or not carries_participant_data(response):
                return response
            session, access, participants = shown
            unnamed = [p for p in participants if p.pk not in events.participant_ids]
            if unnamed:
                record_event(
                    actor=request.user,
                    event_type="session.page_viewed",
                    record=session,
                    role=access.role,
                    details={
                        "scope": str(Scope.SCHEDULE),
                        "why": access.why,
                        "page": request.resolver_match.url_name if request.resolver_match else "",
                    },
                    listed=unnamed,
                )
            return response

        return wrapper

    return decorator


def _showing(
    request: SessionPageRequest, session: Session, access: RollCallAccess, participants
) -> None:
    request.showing = (session, access, list(participants))


def _roll_context(request: SessionPageRequest, session: Session, access: RollCallAccess) -> dict:
    page, shown, recorded = selectors.roll_call_page(session, request.GET.get("page"))
    decisions = roll_call_rows(
        request.user, session, [row.participant for row in shown], Action.VIEW, access=access
    )
    rows = [row for row in shown if decisions[row.participant.pk].allowed]
    _showing(request, session, access, [row.participant for row in rows])
    return {
        "session": session,
        "rows": rows,
        "page": page,
        "recorded": recorded,
        "total": page.paginator.count,
        "can_record": access.can_record and services.roll_call_open(session),
        "buttons": STATUS_BUTTONS,
        "access": access,
        "sees_schedule": may(request.user, "calendar.read", session.program.organization_id),
    }


@login_required
def today(request: SignedInRequest) -> HttpResponse:
    """Sessions of a day: all of them for schedule roles, one's own for facilitators."""
    if not uses_staff_pages(request.user):
        return redirect("home")
    day = query_date(request, "day")
    programs = list(selectors.programs_of(request.user))
    wide = [p for p in programs if may(request.user, "roll_call.read", p.organization_id)]
    own = [p for p in programs if p not in wide]
    sessions = selectors.sessions_on(wide, day=day) + selectors.sessions_on(
        own, staff=request.user, day=day
    )
    sessions.sort(key=lambda s: (s.starts_at, s.title))
    shown = day or (programs[0].today() if programs else timezone.localdate())
    return render(
        request,
        "attendance/today.html",
        {
            "sessions": sessions,
            "day": shown,
            "previous": shown - timedelta(days=1),
            "next": shown + timedelta(days=1),
            "is_today": day is None,
            # A facilitator sees only the sessions they lead: an empty day says so.
            "only_own": bool(own) and not wide,
            "sees_the_week": any(
                may(request.user, "calendar.read", p.organization_id) for p in own
            ),
        },
    )


@session_page("GET")
def roll_call(
    request: SessionPageRequest, session: Session, access: RollCallAccess
) -> HttpResponse:
    context = _roll_context(request, session, access)
    record_event(
        actor=request.user,
        event_type="roll_call.viewed",
        record=session,
        role=access.role,
        details={
            "scope": str(Scope.SCHEDULE),
            "why": access.why,
            "page": "roll_call",
        },
        listed=[r.participant for r in context["rows"]],
    )
    return render(request, "attendance/roll_call.html", context)


def _minutes(request: HttpRequest, status: str) -> int | None:
    """Minutes count only for late or left early; the field is ignored for other statuses."""
    raw = (request.POST.get("minutes") or "").strip()
    if status not in PARTIAL_STATUSES or not raw:
        return None
    try:
        return int(raw)
    except ValueError:
        raise InvalidInput("Minutes attended must be a whole number.", field="minutes") from None


def _version(request: HttpRequest) -> int:
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        raise InvalidInput("Reload the roll call and try again.", field="version") from None


@session_page("POST", needs="record")
def record(
    request: SessionPageRequest, session: Session, access: RollCallAccess, enrolment_id
) -> HttpResponse:
    """One tap on a status button: save the row and send the row back."""
    row = selectors.roll_call_row(session, enrolment_id)
    if row is None:
        return not_found(request)
    status = request.POST.get("status", "")
    context: dict[str, Any] = {"error": "", "conflict": False, "saved": False, "typed": ""}
    code = 200
    try:
        services.record_attendance(
            session,
            row.participant,
            status=status,
            minutes=_minutes(request, status),
            note=request.POST.get("note", row.attendance.note if row.attendance else ""),
            by=request.user,
            expected_version=_version(request),
        )
    except ConcurrentEdit as exc:
        context.update(error=exc.message, conflict=True)
        code = 409
    except InvalidInput as exc:
        context.update(error=exc.message, typed=request.POST.get("minutes", ""))
        code = 422
    except AccessDenied as exc:
        return _forbidden_fragment(request, exc)
    else:
        context["saved"] = True
    if not is_htmx(request):
        # The whole roll call comes back: the message names whose row it is about.
        if context["error"]:
            messages.error(request, f"{row.participant.display_name}: {context['error']}")
        else:
            messages.success(request, f"Saved: {row.participant.display_name}.")
        return redirect(reverse("attendance:roll_call", args=[session.public_id]))
    fresh = selectors.roll_call_row(session, enrolment_id) or row
    _showing(request, session, access, [fresh.participant])
    recorded = session.attendance.count()
    context.update(
        session=session,
        row=fresh,
        buttons=STATUS_BUTTONS,
        can_record=access.can_record and services.roll_call_open(session),
        recorded=recorded,
        total=session.enrolments.count(),
        row_oob=True,
    )
    return render(request, "attendance/_row.html", context, status=code)


@session_page("POST", needs="session")
def mark_all_present(
    request: SessionPageRequest, session: Session, access: RollCallAccess
) -> HttpResponse:
    """Record everyone not yet recorded as present; rows already recorded are left alone."""
    try:
        created = services.mark_all_present(session, by=request.user)
    except AccessDenied as exc:
        return _forbidden_fragment(request, exc)
    except TandemError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, f"Marked {len(created)} present." if created else "Everyone is recorded."
        )
    return _after_roll_change(request, session, access)


def _after_roll_change(
    request: SessionPageRequest, session: Session, access: RollCallAccess
) -> HttpResponse:
    if not is_htmx(request):
        return redirect(reverse("attendance:roll_call", args=[session.public_id]))
    context = _roll_context(request, session, access)
    context["roll_oob"] = True
    return render(request, "attendance/_roll.html", context)


@session_page("POST", needs="record")
def drop_in_search(
    request: SessionPageRequest, session: Session, access: RollCallAccess
) -> HttpResponse:
    """Find someone to add as a drop-in; the terms are posted, never put in the address."""
    text = (request.POST.get("text") or "").strip()
    results = None
    error = ""
    if len(text) < 2:
        error = "Type at least two letters of a name, or a record number."
    else:
        results = selectors.drop_in_candidates(request.user, session, text)
        record_event(
            actor=request.user,
            event_type="attendance.drop_in_searched",
            record_type="participants.Participant",
            role=access.role,
            details={"page": "drop_in_search", "session": str(session.public_id)},
            listed=results,
        )
    context = {"session": session, "results": results, "error": error, "text": text}
    if is_htmx(request):
        return render(request, "attendance/_drop_in_results.html", context)
    context.update(_roll_context(request, session, access))
    return render(request, "attendance/roll_call.html", context, status=400 if error else 200)


@session_page("POST", needs="record")
def drop_in(request: SessionPageRequest, session: Session, access: RollCallAccess) -> HttpResponse:
    chosen = public_id(request.POST.get("participant"))
    participant = (
        visible_participants(request.user).filter(public_id=chosen).first() if chosen else None
    )
    if participant is None:
        messages.error(request, "Choose someone from the search results.")
    else:
        try:
            services.add_drop_in(session, participant, by=request.user)
        except AccessDenied as exc:
            return _forbidden_fragment(request, exc)
        except TandemError as exc:
            messages.error(request, exc.message)
        else:
            over = session.enrolments.count() > session.capacity
            messages.success(
                request,
                f"{participant.display_name} added as a drop-in and marked present."
                + (f" The session is now over its capacity of {session.capacity}." if over else ""),
            )
    return _after_roll_change(request, session, access)


@session_page("GET")
def cancellation(
    request: SessionPageRequest, session: Session, access: RollCallAccess
) -> HttpResponse:
    """After a cancellation: who was told, and make-up sessions to enrol each person in."""
    notices = selectors.cancellation_notices(session)
    sent = selectors.cancellation_notice(session)
    record_event(
        actor=request.user,
        event_type="attendance.cancellation_viewed",
        record=session,
        role=access.role,
        details={
            "scope": str(Scope.SCHEDULE),
            "why": access.why,
            "page": "cancellation",
        },
        listed=[n.participant for n in notices],
    )
    return render(
        request,
        "attendance/cancellation.html",
        {
            "session": session,
            "notices": notices,
            "cancelled": session.status == Session.Status.CANCELLED,
            "emailed": set(sent["emailed"]) if sent else set(),
            "notice_sent": sent is not None,
            "to_call": sum(1 for n in notices if not n.participant.email),
            "can_enrol": may(request.user, "roll_call.record", session.program.organization_id),
            "here": request.path,
        },
    )


@serves("GET")
@login_required
def dose_this_week(request: SignedInRequest) -> HttpResponse:
    """Who cannot reach this week's requirement across the program (schedule oversight), and
    a clinician's own caseload with each participant's dose this week."""
    if not may_open(request.user, "attendance:dose_this_week"):
        return _forbidden(
            request, "The dose page is for clinicians, directors, supervisors and front desk."
        )
    programs = [
        p
        for p in selectors.programs_of(request.user)
        if may(request.user, "roll_call.record", p.organization_id)
    ]
    found = dose.at_risk_pages(
        [(p, dose.current_week(p), request.GET.get(f"page-{p.public_id}")) for p in programs]
    )
    sections: list[dict[str, Any]] = [
        {
            "program": f.program,
            "week": f.week_start,
            "rows": f.rows,
            "page": f.page,
            "param": f"page-{f.program.public_id}",
            "rows_html": dose_table.short_rows(f.rows, request.path),
        }
        for f in found
    ]
    mine_page, mine = dose.caseload_week(request.user, request.GET.get("mine"))
    shown = [e for s in sections for e, _ in s["rows"]] + [e for e, _ in mine]
    record_event(
        actor=request.user,
        event_type="dose.week_viewed",
        record_type="attendance.DoseWeek",
        details={"scope": str(Scope.SCHEDULE)},
        listed=[e.participant for e in shown],
    )
    return render(
        request,
        "attendance/dose_this_week.html",
        {
            "sections": sections,
            "mine": mine,
            "mine_html": dose_table.caseload_rows(mine),
            "mine_page": mine_page,
        },
    )


@participant_page(Scope.SCHEDULE, methods=("GET",))
def participant_attendance(request: StaffRequest, participant) -> HttpResponse:
    """The chart's attendance tab: the last eight weeks against the weekly requirement."""
    context = chart_context(request, participant, "attendance")
    episode = context["episode"]
    context["weeks"] = (
        selectors.attendance_history(participant, episode) if episode is not None else []
    )
    context["now"] = timezone.now()
    return render(request, "attendance/chart_tab.html", context)


@participant_page(Scope.SCHEDULE, methods=("GET",))
def make_up(request: StaffRequest, participant) -> HttpResponse:
    """Sessions left this week that the participant could join to make up missed time."""
    context = chart_context(request, participant, "attendance")
    episode = context["episode"]
    options, week = [], None
    if episode is not None and episode.status in IN_CARE_STATUSES:
        options = selectors.makeup_options(participant, episode)
        week = selectors.week_dose(episode)
    context.update(
        options=options,
        week=week,
        can_enrol=decide(request.user, participant, Action.CHANGE, Scope.SCHEDULE).allowed,
        back=_safe_next(request, request.GET.get("next")),
    )
    return render(request, "attendance/make_up.html", context)


@participant_page(Scope.SCHEDULE, methods=("POST",))
def make_up_enrol(request: StaffRequest, participant) -> HttpResponse:
    session = selectors.session_by_public_id(public_id(request.POST.get("session")))
    if session is None:
        messages.error(request, "Choose a session.")
    else:
        try:
            services.enrol_make_up(session, participant, by=request.user)
        except InvalidInput as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                f"{participant.display_name} enrolled in {session.title} on "
                f"{day(session.date)} as a make-up.",
            )
    target = _safe_next(request, request.POST.get("next"))
    return redirect(target or reverse("attendance:make_up", args=[participant.public_id]))


def _safe_next(request: HttpRequest, target: str | None) -> str:
    """A path on this site to go back to, or "" (a bare word would be read as a view name)."""
    if (
        target
        and target.startswith("/")
        and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return target
    return ""


def home_panel(request: HttpRequest) -> dict | None:
    """My sessions today: the signed-in facilitator's sessions with their roll call state."""
    sessions = selectors.my_sessions_today(request.user)
    if not sessions:
        return None
    return {"template": "attendance/_home_panel.html", "sessions": sessions}
