"""The safety plan's part of the chart's clinical summary: whether one is in force."""

from participants.chart import SummaryRead, page_url
from safety.selectors import confirmed_plan, draft_of


def plan_status(read: SummaryRead) -> dict:
    return {
        "template": "safety/_summary.html",
        "confirmed": confirmed_plan(read.participant),
        "draft": draft_of(read.participant),
        "url": page_url("safety:tab", read.participant.public_id),
    }
