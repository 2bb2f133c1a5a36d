"""The assessments' part of the chart's clinical summary: the latest C-SSRS screen."""

from assessments.selectors import band_label, definition, latest_of
from assessments.services import CSSRS, CSSRS_SEVERITY
from participants.chart import SummaryRead, page_url


def latest_cssrs(read: SummaryRead) -> dict:
    """The latest C-SSRS screener's risk level in the instrument's words, toned as the alert
    it raised (`CSSRS_SEVERITY`)."""
    row = latest_of(read.participant, CSSRS)
    return {
        "template": "assessments/_summary.html",
        "row": row,
        "risk": band_label(definition(CSSRS), row.band) if row else "",
        "severity": CSSRS_SEVERITY.get(row.band, "") if row else "",
        "url": page_url("assessments:result", read.participant.public_id, row.public_id)
        if row
        else "",
    }
