"""The demo's worklist: a few synthetic case-management tasks, some of them overdue, so the
case manager's home and the supervisor's board have something to show. Idempotent: each task
has a kind per participant, and a second run finds the open one."""

from datetime import timedelta

from participants.demo import DemoContext
from participants.models import CareTeamRole
from worklist.services import create_task

# (kind, title, days from today: negative is overdue)
DEMO_TASKS = [
    ("demo.transport", "Confirm the bus pass arrived (synthetic demo task)", -3),
    ("demo.benefits", "Help renew the insurance paperwork (synthetic demo task)", 2),
    ("demo.phone", "Check the phone plan covers video sessions (synthetic demo task)", 6),
]
PARTICIPANTS = 6


def seed_tasks(context: DemoContext) -> None:
    """Open tasks for the case manager about the first few active participants."""
    today = context.program.today()
    episodes = context.case_managed(PARTICIPANTS)
    made = 0
    for index, episode in enumerate(episodes):
        kind, title, days = DEMO_TASKS[index % len(DEMO_TASKS)]
        create_task(
            title=title,
            due_on=today + timedelta(days=days),
            participant=episode.participant,
            owner_role=CareTeamRole.CASE_MANAGER,
            source=episode.participant,
            kind=kind,
            by=None,
        )
        made += 1
    context.stdout(f"    {made} case-management tasks")
