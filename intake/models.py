"""The biopsychosocial intake (versioned, signed) and the episode's diagnoses."""

from django.conf import settings
from django.db import models

from intake.icd10 import KIND_LABELS
from tandem.models import TimeStamped, Versioned
from tandem.records import ClinicalRecord, Immutable, Signable, Supersedable


class IntakeStatus(models.TextChoices):
    DRAFT = "draft", "Draft — not signed"
    SIGNED = "signed", "Signed"


class Intake(ClinicalRecord, Signable, Supersedable, Immutable, Versioned):
    """One version of an episode's intake. Version 1 is the original; each later version is
    an addendum that copies the signed one it supersedes and points back to it. Signing locks
    a version: its sections never change again, and `content_sha256` proves it."""

    locked_when = Signable.SIGNED

    participant = models.ForeignKey(
        "participants.Participant", on_delete=models.PROTECT, related_name="intakes"
    )
    episode = models.ForeignKey(
        "participants.Episode", on_delete=models.PROTECT, related_name="intakes"
    )
    number = models.PositiveIntegerField(default=1, help_text="1 is the original intake.")
    status = models.CharField(
        max_length=10, choices=IntakeStatus.choices, default=IntakeStatus.DRAFT
    )
    content_sha256 = models.CharField(
        max_length=64, blank=True, help_text="Hash of the sections as signed."
    )

    class Meta(ClinicalRecord.Meta):
        constraints = [
            *ClinicalRecord.Meta.constraints,
            models.UniqueConstraint(fields=["episode", "number"], name="intake_version_unique"),
            models.CheckConstraint(
                condition=models.Q(supersedes__isnull=True) | ~models.Q(supersede_reason=""),
                name="intake_addendum_has_reason",
            ),
        ]
        indexes = [models.Index(fields=["participant", "episode"])]

    def __str__(self) -> str:
        return f"Intake version {self.number} ({self.get_status_display()})"


class IntakeSection(TimeStamped, Immutable, Versioned):
    """One section of one intake version; saved on its own, so two clinicians can fill
    different sections at once and only a clash on the same section is refused. It is
    locked when its intake version is signed."""

    locked_when = models.Q(intake__signed_at__isnull=False)

    intake = models.ForeignKey(Intake, on_delete=models.PROTECT, related_name="sections")
    key = models.CharField(max_length=40)
    data = models.JSONField(default=dict, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Who saved this section last.",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["intake", "key"], name="intake_section_unique")
        ]

    def __str__(self) -> str:
        return f"{self.key} (version {self.version})"


class DiagnosisStatus(models.TextChoices):
    PROVISIONAL = "provisional", "Provisional"
    CONFIRMED = "confirmed", "Confirmed"
    IN_REMISSION = "in_remission", "In remission"
    RESOLVED = "resolved", "Resolved"
    ENTERED_IN_ERROR = "entered_in_error", "Entered in error"


# A diagnosis's lifecycle as a table. In remission may return to confirmed (a recurrence);
# a resolved one that comes back is a new diagnosis.
DIAGNOSIS_TRANSITIONS: dict[str, frozenset[str]] = {
    DiagnosisStatus.PROVISIONAL: frozenset(
        {DiagnosisStatus.CONFIRMED, DiagnosisStatus.RESOLVED, DiagnosisStatus.ENTERED_IN_ERROR}
    ),
    DiagnosisStatus.CONFIRMED: frozenset(
        {DiagnosisStatus.IN_REMISSION, DiagnosisStatus.RESOLVED, DiagnosisStatus.ENTERED_IN_ERROR}
    ),
    DiagnosisStatus.IN_REMISSION: frozenset(
        {DiagnosisStatus.CONFIRMED, DiagnosisStatus.RESOLVED, DiagnosisStatus.ENTERED_IN_ERROR}
    ),
    DiagnosisStatus.RESOLVED: frozenset({DiagnosisStatus.ENTERED_IN_ERROR}),
    DiagnosisStatus.ENTERED_IN_ERROR: frozenset(),
}
ACTIVE_DIAGNOSIS_STATUSES = frozenset({DiagnosisStatus.PROVISIONAL, DiagnosisStatus.CONFIRMED})
NEW_DIAGNOSIS_STATUSES = (
    DiagnosisStatus.PROVISIONAL,
    DiagnosisStatus.CONFIRMED,
    DiagnosisStatus.IN_REMISSION,
)


class DiagnosisKind(models.TextChoices):
    SUD = "sud", KIND_LABELS["sud"]
    USE = "use", KIND_LABELS["use"]
    MH = "mh", KIND_LABELS["mh"]
    RISK = "risk", KIND_LABELS["risk"]


class Diagnosis(ClinicalRecord, Versioned):
    """An ICD-10-CM diagnosis on an episode, with who made it and when. The code and its
    description are copied from the curated list at the time, so a later list change never
    rewrites a past diagnosis."""

    # Set by the diagnoses page, not stored: the statuses it may move to, with their labels.
    next_statuses: list[tuple[str, str]]

    participant = models.ForeignKey(
        "participants.Participant", on_delete=models.PROTECT, related_name="diagnoses"
    )
    episode = models.ForeignKey(
        "participants.Episode", on_delete=models.PROTECT, related_name="diagnoses"
    )
    code = models.CharField(max_length=10)
    description = models.CharField(max_length=200)
    kind = models.CharField(max_length=4, choices=DiagnosisKind.choices)
    substance_induced = models.BooleanField(
        default=False, help_text="A substance-induced disorder, coded inside its F1x family."
    )
    counts_for_co_occurring = models.BooleanField(default=True)
    status = models.CharField(max_length=20, choices=DiagnosisStatus.choices)
    note = models.TextField(blank=True)
    made_on = models.DateField()
    status_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status_changed_at = models.DateTimeField(null=True, blank=True)
    status_note = models.TextField(blank=True)

    class Meta(ClinicalRecord.Meta):
        verbose_name_plural = "diagnoses"
        indexes = [models.Index(fields=["episode", "status"])]

    def __str__(self) -> str:
        return f"{self.code} {self.description} ({self.get_status_display()})"

    @property
    def is_mental_health(self) -> bool:
        return self.kind == DiagnosisKind.MH

    @property
    def is_active(self) -> bool:
        return not self.entered_in_error and self.status in ACTIVE_DIAGNOSIS_STATUSES
