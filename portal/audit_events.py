"""Audit event types of the participant's portal login."""

from audit.event_types import register
from audit.models import Action

register(
    "portal.invited",
    Action.SECURITY,
    "issued a portal sign-in link to a participant",
    "issue a portal sign-in link",
)
register(
    "portal.turned_off",
    Action.SECURITY,
    "turned off a participant's portal access",
    "turn off portal access",
)
