"""What attendance plugs into other modules: the session-cancellation hook, the probe that
keeps publishing away from sessions with a roll call, the session page's link to its roll call,
and who sees its top-bar links."""

from datetime import date
from typing import Any

from django.urls import reverse

from attendance import weekly
from attendance.models import Attendance
from attendance.services import check_cancellable, notify_cancellation
from participants.access import holds_anywhere, roll_call_access
from scheduling.models import Session
from scheduling.session_links import SessionLink


def on_cancellation(session: Session, by: Any) -> None:
    """scheduling.services.cancel_session calls this inside its transaction: refuse if the
    session already has a roll call, else tell its participants and take the session out
    of their week's dose."""
    check_cancellable(session)
    notify_cancellation(session, by=by)
    weekly.refresh_doses(session.enrolments.values_list("participant_id", flat=True), session.date)


def on_enrolments_changed(participant_ids: list[int], first: date, last: date) -> None:
    """The scheduling services call this inside the transaction that changed these
    participants' enrolments or sessions dated `first` to `last`."""
    weekly.refresh_doses(participant_ids, first, last)


def sessions_with_attendance(session_ids: list[int]) -> set[int]:
    """Which of these sessions have a roll call entry (publishing must leave them alone)."""
    return set(
        Attendance.objects.filter(session_id__in=session_ids)
        .values_list("session_id", flat=True)
        .distinct()
    )


def attended_minutes(participant_id: int, session_ids: list[int]) -> dict[int, int]:
    """The minutes each of these sessions' roll calls in force records the participant
    attending, for the mid-week placement's count of the week so far."""
    return dict(
        weekly.counted(
            Attendance.objects.filter(participant_id=participant_id, session_id__in=session_ids)
        ).values_list("session_id", "minutes")
    )


def roll_call_link(user: Any, session: Session) -> SessionLink | None:
    """The session page's way to its roll call, for whoever may see that roll call; for a
    cancelled session, to who was told and their make-up options instead."""
    access = roll_call_access(user, session)
    if not access.can_view:
        return None
    if session.is_cancelled:
        return SessionLink(
            "Who was told, and make-up options",
            reverse("attendance:cancellation", args=[session.public_id]),
        )
    label = "Take the roll call" if access.can_record else "See the roll call"
    return SessionLink(label, reverse("attendance:roll_call", args=[session.public_id]))


def shows_sessions(user) -> bool:
    """Staff who take or read roll calls; the auditor sees no schedule."""
    return holds_anywhere(user, "sessions.list")


def shows_dose(user) -> bool:
    """Schedule oversight sees the program's under-dosed; clinicians see their own caseload."""
    return holds_anywhere(user, "dose.read")
