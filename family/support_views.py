"""A support person's own page: the participants who share with them and, for each, only what
their consent shares (`participants.access.shared_with_support`). Phone-first, plain words."""

from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from accounts.http import SignedInRequest
from attendance.selectors import attendance_history
from audit.services import record_event
from monitoring.crisis import CRISIS_LINES
from participants.access import (
    SUPPORT_ATTENDANCE,
    SUPPORT_CONTACT,
    SUPPORT_SCHEDULE,
    shared_with_support,
    uses_support_pages,
)
from participants.export import REDISCLOSURE_NOTICE
from participants.models import Participant
from participants.selectors import current_episode, program_zone
from scheduling.selectors import participant_sessions
from tandem.methods import serves

# How far ahead a support person sees session times.
SCHEDULE_DAYS = 14


def _shared(participant: Participant, categories: frozenset[str], now: datetime) -> dict:
    """What one participant shares: each category read only when it is shared."""
    episode = current_episode(participant)
    in_care = episode is not None and episode.is_open
    zone = program_zone(participant, episode)
    today = now.astimezone(zone).date()
    row: dict[str, Any] = {
        "participant": participant,
        "name": participant.preferred_name or participant.legal_first_name,
        "categories": categories,
        "zone": str(zone),
    }
    if SUPPORT_SCHEDULE in categories:
        sessions = participant_sessions(participant, today, today + timedelta(days=SCHEDULE_DAYS))
        row["sessions"] = (
            [
                {
                    "starts": s.starts_at.astimezone(zone),
                    "ends": s.ends_at.astimezone(zone),
                    "virtual": s.mode == "virtual",
                    "cancelled": s.status == s.Status.CANCELLED,
                }
                for s in sessions
                if s.ends_at >= now
            ]
            if in_care
            else []
        )
    if SUPPORT_ATTENDANCE in categories and in_care and episode is not None:
        weeks = attendance_history(participant, episode, weeks=1, now=now)
        row["attended_minutes"] = weeks[0].dose.attended if weeks else 0
    if SUPPORT_CONTACT in categories and episode is not None:
        row["program"] = episode.program
    return row


@serves("GET")
@login_required
def home(request: SignedInRequest) -> HttpResponse:
    """The participants who share with this support person, each with only what is shared;
    one audit event lists them."""
    if not uses_support_pages(request.user):
        return redirect("home")
    now = timezone.now()
    shared = shared_with_support(request.user)
    people = list(Participant.objects.filter(pk__in=shared).order_by("pk"))
    rows = [_shared(p, shared[p.pk], now) for p in people]
    if people:
        record_event(
            actor=request.user,
            event_type="support_person.page_viewed",
            record_type="family.Sharing",
            details={"categories": {str(p.public_id): sorted(shared[p.pk]) for p in people}},
            listed=people,
        )
    return render(
        request,
        "family/support_home.html",
        {
            "rows": rows,
            "crisis_lines": CRISIS_LINES,
            "redisclosure_notice": REDISCLOSURE_NOTICE,
        },
    )
