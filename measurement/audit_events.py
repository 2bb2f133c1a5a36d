"""Audit event types of measurement-based care."""

from audit.event_types import register
from audit.models import Action

register(
    "measurement.settings_changed",
    Action.CHANGE,
    "changed the program's measurement schedule",
    "change the program's measurement schedule",
)
register(
    "measurement.reminder_choice_changed",
    Action.CHANGE,
    "changed a participant's reminder choice",
    "change a participant's reminder choice",
)
register(
    "measurement.reminder_sent",
    Action.CREATE,
    "sent a reminder of a questionnaire due",
    "send a questionnaire reminder",
)
register(
    "measurement.reminder_not_delivered",
    Action.CREATE,
    "recorded that a reminder of a questionnaire due was not delivered (the mail server or"
    " text provider refused it)",
    "record a reminder that was not delivered",
)
register(
    "measurement.trajectory_viewed",
    Action.VIEW,
    "viewed a participant's trajectory",
    "view a participant's trajectory",
)
register(
    "measurement.not_on_track",
    Action.CREATE,
    "asked for a continued-stay review",
    "ask for a continued-stay review",
)
register(
    "measurement.kiosk_started",
    Action.CHANGE,
    "handed a clinic device to a participant",
    "hand a clinic device to a participant",
)
register(
    "measurement.kiosk_ended",
    Action.CHANGE,
    "took a clinic device back from a participant",
    "take a clinic device back from a participant",
)
register(
    "measurement.lists_viewed",
    Action.VIEW,
    "viewed the program's risk and due lists",
    "view the program's risk and due lists",
)
