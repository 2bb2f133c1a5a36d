"""The level-of-care section of the exported and printed record."""

from itertools import groupby

from participants.models import Participant
from placement.selectors import IN_EFFECT_ORDER, counted_decisions, in_effect_on


def level_of_care_section(participant: Participant) -> list[dict]:
    """Every level-of-care decision of each stay (not those entered in error), oldest first by
    the day it was made: what the rules recommended, what was chosen, and whether it is the
    stay's decision in force (now, or at the stay's end). A decision dated back sits at its own
    day and never takes the place of one made later, though recorded after it."""
    rows = (
        counted_decisions().filter(participant=participant).order_by("episode_id", *IN_EFFECT_ORDER)
    )
    section = []
    for _, decisions in groupby(rows, key=lambda d: d.episode_id):
        stay = list(decisions)
        in_force = in_effect_on(stay)
        section += [
            {
                "decided_on": d.decided_on,
                "recommended": d.get_recommended_level_display() if d.recommended_level else "",
                "chosen": d.get_chosen_level_display(),
                "reason": d.reason,
                "in_force": d == in_force,
            }
            for d in stay
        ]
    return sorted(section, key=lambda row: row["decided_on"])
