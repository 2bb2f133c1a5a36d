"""The attendance section of the exported and printed record."""

from attendance.models import Attendance
from participants.models import Participant


def attendance_section(participant: Participant) -> list[dict]:
    """Every roll-call entry, oldest first: session, date, status and minutes attended."""
    return [
        {
            "date": a.session.date,
            "session": a.session.title,
            "status": a.get_status_display(),
            "minutes": a.minutes,
        }
        for a in Attendance.objects.filter(participant=participant)
        .select_related("session")
        .order_by("session__starts_at", "pk")
    ]
