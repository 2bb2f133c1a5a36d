"""Audit event types of the program calendar, weekly schedule runs and publishing."""

from audit.event_types import register
from audit.models import Action

register(
    "calendar.item_added",
    Action.CREATE,
    "added an item to the program calendar",
    "change the calendar",
)
register(
    "calendar.item_changed",
    Action.CHANGE,
    "changed an item on the program calendar",
    "change the calendar",
)
register(
    "calendar.item_removed",
    Action.DELETE,
    "removed an item from the program calendar",
    "change the calendar",
)
register(
    "calendar.staff_hours_set",
    Action.CHANGE,
    "set a staff member's working hours",
    "set working hours",
)
register("session.cancelled", Action.CHANGE, "cancelled a session", "cancel a session")
register("session.roster_viewed", Action.VIEW, "viewed a session's roster", "view a roster")
register(
    "schedule.profile_changed",
    Action.CHANGE,
    "changed how a participant attends (scheduling needs)",
    "change how a participant attends",
)
register(
    "schedule.availability_changed",
    Action.CHANGE,
    "changed a participant's availability for groups",
    "change a participant's availability",
)
register(
    "schedule.groups_pinned",
    Action.CHANGE,
    "changed a participant's group choices (keep in, never in)",
    "change a participant's group choices",
)
register(
    "schedule_run.started", Action.CREATE, "started a weekly schedule run", "start a schedule run"
)
register(
    "schedule_run.viewed",
    Action.VIEW,
    "viewed a weekly schedule draft",
    "view a weekly schedule draft",
)
register("schedule_run.edited", Action.CHANGE, "edited a schedule draft", "edit a schedule draft")
register(
    "schedule_run.mid_week_started",
    Action.CREATE,
    "started a mid-week admission run",
    "start a mid-week admission run",
)
register(
    "enrolment.mid_week_added",
    Action.CHANGE,
    "enrolled a participant into groups mid-week",
    "enrol a participant mid-week",
)
register(
    "enrolment.published",
    Action.CHANGE,
    "published changes to a participant's groups",
    "publish group changes",
)
register("schedule.published", Action.CREATE, "published the weekly schedule", "publish a schedule")
