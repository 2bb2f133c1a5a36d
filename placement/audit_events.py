"""Audit event types of the level-of-care decision."""

from audit.event_types import register
from audit.models import Action

register(
    "level_of_care.decided",
    Action.CREATE,
    "decided the level of care",
    "decide a level of care",
)
register(
    "level_of_care.recommendation_viewed",
    Action.VIEW,
    "previewed the level-of-care recommendation",
    "preview a level-of-care recommendation",
)
