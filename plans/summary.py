"""The plan's part of the chart's clinical summary: whether its review is due."""

from participants.chart import SummaryRead, page_url
from plans.selectors import reviews_due


def review_due(read: SummaryRead) -> dict | None:
    """The plan review the home's list would show for this stay (`reviews_due`); None when
    there is no episode."""
    if read.episode is None:
        return None
    due = reviews_due([read.episode], today=read.today)
    return {
        "template": "plans/_summary.html",
        "review": due[0] if due else None,
        "url": page_url("plans:plan", read.participant.public_id),
    }
