"""The daily check-in: a participant's own short report, kept as a clinical record.

Use of substances is self-reported here, so every check-in carries 42 CFR Part 2
protection like the rest of the substance-use record. A check-in is immutable once sent;
a wrong one is marked entered in error.
"""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from tandem.records import ClinicalRecord, Immutable


class Via(models.TextChoices):
    PORTAL = "portal", "Portal"
    LINK = "link", "Reminder link"
    API = "api", "App"
    KIOSK = "kiosk", "Clinic device"


class MedicationsTaken(models.TextChoices):
    ALL = "all", "Took all"
    SOME = "some", "Missed some"
    NONE = "none", "Took none"


MISSED_DOSES = frozenset({MedicationsTaken.SOME, MedicationsTaken.NONE})


class CheckIn(ClinicalRecord, Immutable):
    participant = models.ForeignKey(
        "participants.Participant", on_delete=models.PROTECT, related_name="checkins"
    )
    episode = models.ForeignKey(
        "participants.Episode", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    mood = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(0), MaxValueValidator(10)],
        help_text="0 = worst, 10 = best.",
    )
    craving = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(0), MaxValueValidator(10)],
        help_text="0 = none, 10 = strongest.",
    )
    used = models.BooleanField(help_text="Any use since the last check-in.")
    substances = models.JSONField(default=list, blank=True)
    triggers = models.JSONField(default=list, blank=True)
    trigger_note = models.CharField(max_length=300, blank=True)
    coping = models.JSONField(default=list, blank=True)
    hours_slept = models.DecimalField(
        max_digits=3,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(24)],
    )
    safety = models.BooleanField(help_text="The safety question answered yes.")
    medications_taken = models.CharField(
        max_length=4,
        choices=MedicationsTaken.choices,
        blank=True,
        help_text="Medications taken since the last check-in; blank when not asked (none listed).",
    )
    via = models.CharField(max_length=10, choices=Via.choices, default=Via.PORTAL)

    class Meta(ClinicalRecord.Meta):
        indexes = [models.Index(fields=["participant", "recorded_at"])]
        constraints = [
            *ClinicalRecord.Meta.constraints,
            models.CheckConstraint(condition=models.Q(mood__lte=10), name="checkin_mood_0_10"),
            models.CheckConstraint(
                condition=models.Q(craving__lte=10), name="checkin_craving_0_10"
            ),
        ]

    def __str__(self) -> str:
        return f"check-in {self.public_id}"

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        from checkins.lists import SUBSTANCE_CODES, TRIGGER_CODES

        errors = {}
        if not isinstance(self.substances, list) or not set(self.substances) <= SUBSTANCE_CODES:
            errors["substances"] = "Choose substances from the list."
        elif self.substances and not self.used:
            errors["substances"] = "Substances are named only when use is reported."
        if not isinstance(self.triggers, list) or not set(self.triggers) <= TRIGGER_CODES:
            errors["triggers"] = "Choose triggers from the list."
        if not isinstance(self.coping, list) or not all(
            isinstance(c, str) and 0 < len(c) <= 80 for c in self.coping
        ):
            errors["coping"] = "Choose coping skills from the list."
        if errors:
            raise ValidationError(errors)
