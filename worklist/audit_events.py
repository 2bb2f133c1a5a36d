"""Audit event types of the staff worklist."""

from audit.event_types import register
from audit.models import Action

register("worklist.task_created", Action.CREATE, "created a task", "create a task")
register("worklist.task_completed", Action.CHANGE, "completed a task", "complete a task")
register("worklist.task_cancelled", Action.CHANGE, "cancelled a task", "cancel a task")
register("worklist.task_handed_over", Action.CHANGE, "handed over a task", "hand over a task")
register("worklist.task_viewed", Action.VIEW, "viewed a task", "view a task")
register("worklist.list_viewed", Action.VIEW, "viewed their task list", "view a task list")
register(
    "worklist.overdue_viewed",
    Action.VIEW,
    "viewed the program's overdue tasks",
    "view the program's overdue tasks",
)
register(
    "worklist.task_out_of_reach",
    Action.CHANGE,
    "put a task on the list of work without an owner who can reach it, as no one on the"
    " care team could take it over",
    "put a task on the list of work without an owner who can reach it",
)
register(
    "worklist.task_back_in_reach",
    Action.CHANGE,
    "took a task off the list of work without an owner who can reach it, as its owner"
    " could open the record again",
    "take a task off the list of work without an owner who can reach it",
)
register(
    "worklist.task_without_owner",
    Action.CREATE,
    "recorded work that no one could own: no one on the care team or overseeing the program"
    " could take its task",
    "open a task that no one could own",
)
