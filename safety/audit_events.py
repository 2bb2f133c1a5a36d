"""Audit event types of safety plans."""

from audit.event_types import register
from audit.models import Action

register("safety_plan.drafted", Action.CHANGE, "wrote a safety plan draft", "write a safety plan")
register(
    "safety_plan.confirmed",
    Action.CHANGE,
    "confirmed a safety plan with the participant",
    "confirm a safety plan",
)
