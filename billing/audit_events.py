"""Audit event types of billing."""

from audit.event_types import register
from audit.models import Action

register("billing.payer_added", Action.CREATE, "added a payer", "add a payer")
register("billing.payers_viewed", Action.VIEW, "viewed the payers", "view the payers")
register("billing.coverage_added", Action.CREATE, "recorded a coverage", "record a coverage")
register(
    "billing.coverage_entered_in_error",
    Action.CHANGE,
    "marked a coverage entered in error",
    "mark a coverage entered in error",
)
register(
    "billing.service_days_viewed",
    Action.VIEW,
    "viewed the service days to bill",
    "view the service days to bill",
)
register(
    "billing.service_days_exported",
    Action.EXPORT,
    "exported the service days to bill",
    "export the service days to bill",
)
register(
    "billing.certification_added",
    Action.CREATE,
    "recorded an IOP certification",
    "record an IOP certification",
)
register(
    "billing.certification_viewed",
    Action.VIEW,
    "viewed the Medicare IOP certification",
    "view the Medicare IOP certification",
)
register(
    "billing.certification_entered_in_error",
    Action.CHANGE,
    "marked an IOP certification entered in error",
    "mark an IOP certification entered in error",
)
