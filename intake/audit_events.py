"""Audit event types of the biopsychosocial intake and diagnoses."""

from audit.event_types import register
from audit.models import Action

register("intake.started", Action.CREATE, "started the intake", "start an intake")
register("intake.section_added", Action.CREATE, "wrote an intake section", "write an intake")
register("intake.section_saved", Action.CHANGE, "saved an intake section", "save an intake")
register("intake.signed", Action.CHANGE, "signed the intake", "sign an intake")
register("intake.addendum_started", Action.CREATE, "opened an intake addendum", "amend an intake")
register("diagnosis.recorded", Action.CREATE, "recorded a diagnosis", "record a diagnosis")
register(
    "diagnosis.status_changed",
    Action.CHANGE,
    "changed the status of a diagnosis",
    "change a diagnosis",
)
