"""Audit event types of discharges, aftercare and follow-ups."""

from audit.event_types import register
from audit.models import Action

register("discharge.recorded", Action.CREATE, "discharged a participant", "discharge a participant")
register(
    "discharge.summary_drafted",
    Action.CREATE,
    "drafted a discharge summary",
    "draft a discharge summary",
)
register(
    "discharge.summary_saved",
    Action.CHANGE,
    "edited a discharge summary",
    "edit a discharge summary",
)
register(
    "discharge.summary_signed",
    Action.CHANGE,
    "signed a discharge summary",
    "sign a discharge summary",
)
register(
    "discharge.summary_addendum",
    Action.CREATE,
    "started an addendum to a discharge summary",
    "add to a discharge summary",
)
register(
    "discharge.aftercare_changed",
    Action.CHANGE,
    "changed the aftercare plan",
    "change the aftercare plan",
)
register("follow_up.sent", Action.CREATE, "sent a follow-up questionnaire", "send a follow-up")
register(
    "follow_up.call_listed",
    Action.CHANGE,
    "put a follow-up on the call list",
    "put a follow-up on the call list",
)
register("follow_up.opted_out", Action.CHANGE, "stopped follow-ups", "stop follow-ups")
register("follow_up.called", Action.CHANGE, "recorded a follow-up call", "record a follow-up call")
register(
    "follow_up.answered", Action.CREATE, "recorded follow-up answers", "record follow-up answers"
)
register(
    "follow_up.call_list_viewed",
    Action.VIEW,
    "viewed the follow-up call list",
    "view the follow-up call list",
)
