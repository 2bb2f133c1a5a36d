"""The Stanley–Brown safety plan, written with the participant, kept as versions.

Steps (clinical reference §7, Stanley–Brown Safety Planning Intervention): warning signs;
internal coping strategies; people and social settings that provide distraction; people to
ask for help; professionals and agencies to contact in a crisis (988 and the program's
after-hours line are always shown with them); making the environment safe. "Reasons for
living" is the optional item §7 marks as unconfirmed in the original; it is kept because
the issue asks for it. A draft changes in place; once confirmed with the participant a
version never changes, and the next change is a new version.
"""

from django.db import models
from django.db.models import Q

from tandem.models import Versioned
from tandem.records import ClinicalRecord, Immutable, Signable

# (field, step title) in the plan's own order, the titles as §7 names the steps (not the
# copyrighted template's wording); they are translated in templates.
STEPS = (
    ("warning_signs", "Warning signs"),
    ("internal_coping", "Internal coping strategies"),
    ("distractions", "People and social settings that provide distraction"),
    ("people_to_ask", "People to ask for help"),
    ("professionals", "Professionals and agencies to contact in a crisis"),
    ("making_safe", "Making the environment safe"),
    ("reasons_for_living", "Reasons for living"),
)
STEP_FIELDS = tuple(field for field, _ in STEPS)


class SafetyPlan(ClinicalRecord, Signable, Immutable, Versioned):
    locked_when = Signable.SIGNED

    participant = models.ForeignKey(
        "participants.Participant", on_delete=models.PROTECT, related_name="safety_plans"
    )
    number = models.PositiveIntegerField(help_text="1 for the first plan, then 2, 3…")
    warning_signs = models.TextField(blank=True)
    internal_coping = models.TextField(blank=True)
    distractions = models.TextField(blank=True)
    people_to_ask = models.TextField(blank=True)
    professionals = models.TextField(blank=True)
    making_safe = models.TextField(blank=True)
    reasons_for_living = models.TextField(blank=True)
    written_with_participant = models.BooleanField(default=False)

    class Meta(ClinicalRecord.Meta):
        constraints = [
            *ClinicalRecord.Meta.constraints,
            models.UniqueConstraint(
                fields=["participant", "number"], name="safety_plan_number_unique"
            ),
            models.UniqueConstraint(
                fields=["participant"],
                condition=Q(signed_at__isnull=True, entered_in_error_at__isnull=True),
                name="safety_plan_one_draft",
            ),
        ]

    def __str__(self) -> str:
        return f"Safety plan {self.number}"

    def items(self, field: str) -> list[str]:
        return [line.strip() for line in getattr(self, field).splitlines() if line.strip()]

    @property
    def steps(self) -> list[tuple[str, str, list[str]]]:
        return [(field, title, self.items(field)) for field, title in STEPS]

    @property
    def is_empty(self) -> bool:
        return not any(self.items(f) for f in STEP_FIELDS)
