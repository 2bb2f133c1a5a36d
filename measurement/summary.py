"""Measurement's part of the chart's clinical summary: the stay's latest scores with their
bands and reliable change, and the questionnaires due now."""

from assessments.services import CSSRS
from measurement import due
from measurement.selectors import measures_for
from participants.chart import SummaryRead, page_url


def latest_scores(read: SummaryRead) -> dict | None:
    """The current stay's measured series as the Measures tab reads them (`measures_for`),
    the ones with a score; None without an episode."""
    if read.episode is None:
        return None
    return {
        "template": "measurement/_summary_scores.html",
        "measures": [m for m in measures_for(read.participant, episode=read.episode) if m.series],
        "url": page_url("measurement:tab", read.participant.public_id),
    }


def questionnaires_due(read: SummaryRead) -> dict:
    """What the Measures tab lists as due, a same-day C-SSRS first."""
    items = due.due_for(read.episode, now=read.now)
    return {
        "template": "measurement/_summary_due.html",
        "due": sorted(items, key=lambda d: d.instrument != CSSRS),
        "cssrs": CSSRS,
        "url": page_url("measurement:tab", read.participant.public_id),
    }
