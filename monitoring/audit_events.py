"""Audit event types of clinical alerts."""

from audit.event_types import register
from audit.models import Action

register("alert.raised", Action.CREATE, "raised an alert", "raise an alert")
register("alert.acknowledged", Action.CHANGE, "acknowledged an alert", "acknowledge an alert")
register("alert.reassigned", Action.CHANGE, "reassigned an alert", "reassign an alert")
register("alert.list_viewed", Action.VIEW, "viewed the alert list", "view the alert list")
register(
    "alert.critical_board_viewed",
    Action.VIEW,
    "viewed the open critical alerts",
    "view the open critical alerts",
)
