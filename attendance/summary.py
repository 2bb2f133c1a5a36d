"""Attendance's part of the chart's clinical summary: today's sessions, the next ones, and
this week's dose."""

from attendance.selectors import attendance_history
from participants.chart import SummaryRead, page_url
from participants.models import IN_CARE_STATUSES
from scheduling.selectors import sessions_after

NEXT_SHOWN = 2  # sessions after today


def sessions(read: SummaryRead) -> dict | None:
    """None without an episode: no sessions and no dose to speak of."""
    if read.episode is None:
        return None
    weeks = attendance_history(read.participant, read.episode, weeks=1, now=read.now)
    week = weeks[0] if weeks and weeks[0].current else None
    today = read.today
    return {
        "template": "attendance/_summary.html",
        "today": [line for line in week.lines if line[0].session.date == today] if week else [],
        "next": sessions_after(read.participant, today, limit=NEXT_SHOWN),
        "dose": week.dose if week and read.episode.status in IN_CARE_STATUSES else None,
        "now": read.now,
        "url": page_url("attendance:participant_attendance", read.participant.public_id),
    }
