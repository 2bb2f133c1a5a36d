"""Audit event types of the consents."""

from audit.event_types import register
from audit.models import Action

register("consent.recorded", Action.CREATE, "recorded a consent", "record a consent")
register("consent.revoked", Action.CHANGE, "recorded a consent's revocation", "revoke a consent")
register(
    "consent.entered_in_error",
    Action.CHANGE,
    "marked a consent entered in error",
    "mark a consent entered in error",
)
register(
    "consent.disclosed",
    Action.EXPORT,
    "gave a copy of the record, logged as a disclosure",
    "give a copy of the record",
)
