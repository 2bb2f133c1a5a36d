"""The assessments section of the exported and printed record."""

from assessments.models import Administration
from assessments.selectors import band_label, definition, flag_label, short_name
from participants.models import Participant


def assessments_section(participant: Participant) -> list[dict]:
    """Every administration in force, oldest first, with its score, its band and flags in the
    words the instrument declares ("Moderately severe", "Suicide risk")."""
    rows = []
    for a in (
        Administration.objects.current()
        .filter(participant=participant)
        .order_by("completed_at", "pk")
    ):
        instrument = definition(a.instrument)
        rows.append(
            {
                "instrument": short_name(a.instrument),
                "completed_at": a.completed_at,
                "total": a.total,
                "band": band_label(instrument, a.band),
                "positive": a.positive,
                "flags": ", ".join(flag_label(instrument, f["code"]) for f in a.flags),
                "mode": a.get_mode_display(),
            }
        )
    return rows
