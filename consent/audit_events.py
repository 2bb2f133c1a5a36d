"""Audit event types of the consents."""

from audit.event_types import register
from audit.models import Action

register("consent.recorded", Action.CREATE, "recorded a consent", "record a consent")
register("consent.revoked", Action.CHANGE, "recorded a consent's revocation", "revoke a consent")
register(
    "consent.expiry_event_marked",
    Action.CHANGE,
    "marked the event a consent expires on as happened",
    "mark the event a consent expires on as happened",
)
register(
    "consent.entered_in_error",
    Action.CHANGE,
    "marked a consent entered in error",
    "mark a consent entered in error",
)
# The JSON copy is an export and the printed one a print, as the audit trail's actions say.
register(
    "consent.disclosed",
    Action.EXPORT,
    "exported a copy of the record, logged as a disclosure",
    "export a copy of the record",
)
register(
    "consent.printed",
    Action.PRINT,
    "printed a copy of the record, logged as a disclosure",
    "print a copy of the record",
)
