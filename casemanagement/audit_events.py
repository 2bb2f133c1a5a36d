"""Audit event types of case management."""

from audit.event_types import register
from audit.models import Action

register("casemanagement.barrier_added", Action.CREATE, "recorded a barrier", "record a barrier")
register("casemanagement.barrier_changed", Action.CHANGE, "updated a barrier", "update a barrier")
register(
    "casemanagement.schedule_change_requested",
    Action.CREATE,
    "asked the scheduler for a change",
    "ask the scheduler for a change",
)
register(
    "casemanagement.schedule_change_answered",
    Action.CHANGE,
    "answered a schedule change request",
    "answer a schedule change request",
)
register(
    "casemanagement.resource_added",
    Action.CREATE,
    "added a resource to the directory",
    "add a resource to the directory",
)
register(
    "casemanagement.directory_viewed",
    Action.VIEW,
    "viewed the resource directory",
    "view the resource directory",
)
register(
    "casemanagement.referral_made", Action.CREATE, "referred to a resource", "refer to a resource"
)
register(
    "casemanagement.referral_appointment_set",
    Action.CHANGE,
    "recorded a referral appointment",
    "record a referral appointment",
)
register(
    "casemanagement.referral_outcome",
    Action.CHANGE,
    "recorded whether a referral was attended",
    "record whether a referral was attended",
)
