"""Audit event types of questionnaires and other instrument administrations."""

from audit.event_types import register
from audit.models import Action

register("assessment.recorded", Action.CREATE, "recorded an assessment", "record an assessment")
register("assessment.corrected", Action.CREATE, "corrected an assessment", "correct an assessment")
register(
    "assessment.entered_in_error",
    Action.CHANGE,
    "marked an assessment entered in error",
    "mark an assessment entered in error",
)
