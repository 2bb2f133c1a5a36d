"""The notes' part of the chart's clinical summary: the reader's own unsigned notes here."""

from notes.selectors import drafts_about
from participants.chart import SummaryRead, page_url


def unsigned_notes(read: SummaryRead) -> dict:
    return {
        "template": "notes/_summary.html",
        "drafts": [
            {
                "note": draft,
                "url": page_url("notes:note", read.participant.public_id, draft.public_id),
                "overdue": bool(draft.due_at and draft.due_at < read.now),
            }
            for draft in drafts_about(read.user, read.participant)
        ],
    }
