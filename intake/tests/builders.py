"""Building intakes through the real services, for this module's tests and the matrix rows."""

from typing import Any

from intake import services
from intake.models import Intake

# The answers signing needs (see intake.sections: presenting problem, goals, primary substance).
REQUIRED: dict[str, dict[str, Any]] = {
    "presenting": {
        "presenting_problem": "Drinking daily since a job loss; low mood.",
        "participant_goals": "Keep my job and sleep without drinking.",
    },
    "substance_use": {"sub1": "2", "route1": "1", "freq1": "3", "first_use_age1": 15},
}


def fill_required(intake: Intake, by) -> Intake:
    """Save the required sections of a fresh draft; returns the intake as it now is."""
    for key, values in REQUIRED.items():
        services.save_section(intake, key, values=values, by=by, expected_version=0)
    return Intake.objects.get(pk=intake.pk)
