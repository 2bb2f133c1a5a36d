"""The safety plan's part of the chart's clinical summary: whether one is in force."""

from participants.chart import SummaryRead, page_url
from safety.selectors import confirmed_and_draft


def plan_status(read: SummaryRead) -> dict:
    confirmed, draft = confirmed_and_draft(read.participant)
    return {
        "template": "safety/_summary.html",
        "confirmed": confirmed,
        "draft": draft,
        "url": page_url("safety:tab", read.participant.public_id),
    }
