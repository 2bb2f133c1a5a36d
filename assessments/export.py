"""The assessments section of the exported and printed record."""

from assessments.home import _short_name
from assessments.models import Administration
from participants.models import Participant


def assessments_section(participant: Participant) -> list[dict]:
    """Every administration in force, oldest first, with its score and band."""
    return [
        {
            "instrument": _short_name(a.instrument),
            "completed_at": a.completed_at,
            "total": a.total,
            "band": a.band,
            "positive": a.positive,
            "flags": ", ".join(f["code"] for f in a.flags),
            "mode": a.get_mode_display(),
        }
        for a in Administration.objects.current()
        .filter(participant=participant)
        .order_by("completed_at", "pk")
    ]
