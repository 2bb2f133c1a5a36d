"""Audit event types of the program calendar, weekly schedule runs and publishing."""

from audit.event_types import register
from audit.models import Action

register(
    "calendar.item_added", Action.CREATE, "added to the program calendar", "change the calendar"
)
register(
    "calendar.item_changed", Action.CHANGE, "changed the program calendar", "change the calendar"
)
register(
    "calendar.item_removed",
    Action.DELETE,
    "removed from the program calendar",
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
    "changed the scheduling needs",
    "change scheduling needs",
)
register(
    "schedule.availability_changed",
    Action.CHANGE,
    "changed the availability",
    "change availability",
)
register(
    "schedule.groups_pinned",
    Action.CHANGE,
    "pinned or excluded groups",
    "pin or exclude groups",
)
register(
    "schedule_run.started", Action.CREATE, "started a weekly schedule run", "start a schedule run"
)
register("schedule_run.viewed", Action.VIEW, "reviewed a schedule draft", "review a schedule draft")
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
    "enrolled mid-week into groups",
    "enrol mid-week",
)
register(
    "enrolment.published",
    Action.CHANGE,
    "published group changes",
    "publish group changes",
)
register("schedule.published", Action.CREATE, "published the weekly schedule", "publish a schedule")
