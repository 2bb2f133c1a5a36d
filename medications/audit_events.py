"""Audit event types of the medication list."""

from audit.event_types import register
from audit.models import Action

register("medication.added", Action.CREATE, "added a medication to the list", "add a medication")
register(
    "medication.stopped", Action.CHANGE, "recorded a medication as stopped", "stop a medication"
)
register(
    "medication.entered_in_error",
    Action.CHANGE,
    "marked a medication entered in error",
    "mark a medication entered in error",
)
