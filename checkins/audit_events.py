"""Audit event types of the daily check-in."""

from audit.event_types import register
from audit.models import Action

register("checkin.recorded", Action.CREATE, "answered a daily check-in", "answer a daily check-in")
register(
    "checkin.entered_in_error",
    Action.CHANGE,
    "marked a check-in entered in error",
    "mark a check-in entered in error",
)
register(
    "checkin.engagement_swept",
    Action.VIEW,
    "looked for participants without a recent check-in",
    "look for participants without a recent check-in",
)
