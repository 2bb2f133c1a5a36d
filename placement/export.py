"""The level-of-care section of the exported and printed record."""

from participants.models import Participant
from placement.models import LevelOfCareDecision


def level_of_care_section(participant: Participant) -> list[dict]:
    """Each level-of-care decision in force: what the rules recommended and what was chosen."""
    return [
        {
            "decided_on": d.decided_on,
            "recommended": d.get_recommended_level_display() if d.recommended_level else "",
            "chosen": d.get_chosen_level_display(),
            "reason": d.reason,
        }
        for d in LevelOfCareDecision.objects.current()
        .filter(participant=participant)
        .order_by("decided_on", "recorded_at", "pk")
    ]
