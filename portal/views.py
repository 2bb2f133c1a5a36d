"""The participant's own pages (a phone-first portal)."""

from datetime import timedelta
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from accounts.http import SignedInRequest
from assessments.selectors import definition, due_home_questionnaires
from attendance.models import AttendanceStatus
from attendance.selectors import attendance_history
from checkins.selectors import checked_in_today, last_checkin
from measurement.due import due_for
from participants.access import Scope
from participants.decorators import PortalRead, portal_read
from participants.models import Participant
from participants.selectors import current_episode
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
@portal_read(Scope.DEMOGRAPHICS, chart_relations=True)
def home(request: SignedInRequest, participant: Participant, read: PortalRead) -> HttpResponse:
    """Their program, care team and week: what is next, and hours attended against required."""
    episode = current_episode(participant)
    in_care = episode is not None and episode.is_open
    # One page, one event: it carries the widest part shown (whether the plan in force is
    # acknowledged over the week, the week over name and care team).
    week_read = read.widened(Scope.SCHEDULE) if in_care else None
    plan_read = read.widened(Scope.CLINICAL)
    plan = plan_in_force(participant) if plan_read is not None else None
    plan_acknowledged = plan is not None and Acknowledgement.objects.filter(plan=plan).exists()
    details: dict[str, Any] = {"page": "home", "shows_my_week": week_read is not None}
    if plan is not None:
        details["plan_acknowledged"] = plan_acknowledged
    widest = (plan_read if plan is not None else None) or week_read or read
    widest.audit(record=plan, **details)
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
    if week_read is not None and episode is not None:
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
