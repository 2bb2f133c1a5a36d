"""Audit event types of the support people."""

from audit.event_types import register
from audit.models import Action

register("support_person.added", Action.CREATE, "added a support person", "add a support person")
register(
    "support_person.entered_in_error",
    Action.CHANGE,
    "marked a support person entered in error",
    "mark a support person entered in error",
)
