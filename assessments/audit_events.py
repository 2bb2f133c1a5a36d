"""Audit event types of questionnaires and other instrument administrations."""

from audit.event_types import register
from audit.models import Action

register("assessment.recorded", Action.CREATE, "recorded an assessment", "record an assessment")
