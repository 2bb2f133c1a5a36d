"""Audit event types of the outcomes board and the public program page."""

from audit.event_types import register
from audit.models import Action

register(
    "outcomes.board_viewed",
    Action.VIEW,
    "viewed the program outcomes board",
    "view the program outcomes board",
)
register(
    "outcomes.exported",
    Action.EXPORT,
    "downloaded the program outcomes as CSV",
    "download the program outcomes",
)
register(
    "outcomes.self_referral_received",
    Action.CREATE,
    "received a self-referral from the public program page",
    "receive a self-referral",
)
register(
    "outcomes.demographics_recorded",
    Action.CHANGE,
    "recorded race and ethnicity for reporting",
    "record race and ethnicity",
)
