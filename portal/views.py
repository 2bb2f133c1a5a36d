"""The participant's own pages (a phone-first portal)."""

from datetime import timedelta
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from accounts.http import SignedInRequest
from assessments.selectors import definition, due_home_questionnaires
from attendance.models import AttendanceStatus
from attendance.selectors import attendance_history
from audit.models import Action
from checkins.selectors import checked_in_today, last_checkin
from measurement.due import due_for
from participants.access import Scope, authorize, decide, own_records, uses_portal
from participants.decorators import no_record_yet
from participants.selectors import current_episode, with_chart_relations
from plans.models import Acknowledgement
from plans.selectors import plan_in_force
from scheduling.selectors import participant_sessions


def excused_minutes(lines: list) -> int:
    """Minutes of the week's sessions missed with an excuse: the dose still counts them as not
    attended, and the participant is told they were excused rather than only that they fell short."""
    return sum(
        enrolment.session.minutes
        for enrolment, attendance in lines
        if attendance is not None
        and attendance.status == AttendanceStatus.EXCUSED
        and not enrolment.session.is_cancelled
    )


@login_required
def home(request: SignedInRequest) -> HttpResponse:
    """Their program, care team and week: what is next, and hours attended against required."""
    if not uses_portal(request.user):
        return redirect("home")
    participant = with_chart_relations(own_records(request.user)).first()
    if participant is None:
        return no_record_yet(request)
    episode = current_episode(participant)
    in_care = episode is not None and episode.is_open
    # One page, one event: it carries the widest part shown (whether the plan in force is
    # acknowledged over the week, the week over name and care team).
    shows_week = in_care and decide(request.user, participant, Action.VIEW, Scope.SCHEDULE).allowed
    plan = (
        plan_in_force(participant)
        if decide(request.user, participant, Action.VIEW, Scope.CLINICAL).allowed
        else None
    )
    plan_acknowledged = plan is not None and Acknowledgement.objects.filter(plan=plan).exists()
    details: dict[str, Any] = {"portal": True, "page": "home", "shows_my_week": shows_week}
    if plan is not None:
        details["plan_acknowledged"] = plan_acknowledged
    authorize(
        request.user,
        participant,
        Action.VIEW,
        Scope.CLINICAL if plan else Scope.SCHEDULE if shows_week else Scope.DEMOGRAPHICS,
        record=plan,
        details=details,
    )
    context: dict[str, Any] = {
        "participant": participant,
        "episode": episode,
        "care_team": list(episode.care_team.all()) if episode else [],
        "now": timezone.now(),
        "discharged": episode is not None and episode.is_discharged,
        "plan_acknowledged": plan_acknowledged,
    }
    if in_care and episode is not None:
        context["checked_in_at"] = checked_in_today(last_checkin(participant), context["now"])
        scheduled = [
            instrument
            for item in due_for(episode, now=context["now"])
            if item.self_report and (instrument := definition(item.instrument)) is not None
        ]
        legacy = due_home_questionnaires(participant, episode.program, now=context["now"])
        context["due"] = list({i.code: i for i in [*legacy, *scheduled]}.values())
    if shows_week and episode is not None:
        this_week = attendance_history(participant, episode, weeks=1)
        week = this_week[0] if this_week else None
        if week is not None:
            monday = week.dose.week_start + timedelta(days=7)
            context["week"] = week
            context["excused"] = excused_minutes(week.lines)
            context["next_week"] = participant_sessions(
                participant, monday, monday + timedelta(days=6)
            )
            context["next_monday"] = monday
    return render(request, "portal/home.html", context)
