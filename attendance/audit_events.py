"""Audit event types of roll call, drop-ins, make-ups, cancellations and the weekly dose."""

from audit.event_types import register
from audit.models import Action

register("session.page_viewed", Action.VIEW, "viewed a session's page", "view a session")
register("roll_call.viewed", Action.VIEW, "viewed the roll call of a session", "view a roll call")
register("roll_call.taken", Action.CHANGE, "took the roll call of a session", "take a roll call")
register(
    "attendance.recorded",
    Action.CREATE,
    "recorded a participant's attendance at a session",
    "record attendance",
)
register(
    "attendance.corrected",
    Action.CHANGE,
    "corrected a participant's attendance at a session",
    "correct attendance",
)
register("enrolment.drop_in_added", Action.CREATE, "added a drop-in to a session", "add a drop-in")
register("enrolment.make_up_added", Action.CREATE, "booked a make-up session", "book a make-up")
register(
    "attendance.drop_in_searched",
    Action.SEARCH,
    "searched for a drop-in participant",
    "search for a drop-in",
)
register(
    "attendance.cancellation_notified",
    Action.CREATE,
    "sent the cancellation notices of a session",
    "send cancellation notices",
)
register(
    "attendance.cancellation_viewed",
    Action.VIEW,
    "viewed the cancellation notices of a session",
    "view cancellation notices",
)
register("dose.week_viewed", Action.VIEW, "viewed the weekly dose list", "view the dose list")
