"""The worklist's part of the chart's clinical summary: the open tasks about the participant."""

from participants.chart import SummaryRead
from worklist.selectors import mark_overdue, open_tasks_for_participant

SHOWN = 5  # tasks listed, soonest due first; the rest are counted


def open_tasks(read: SummaryRead) -> dict:
    tasks = mark_overdue(open_tasks_for_participant(read.participant), read.today)
    return {
        "template": "worklist/_summary.html",
        "tasks": tasks[:SHOWN],
        "more": len(tasks) - SHOWN if len(tasks) > SHOWN else 0,
    }
