"""Alerts on a participant that a named clinician must acknowledge."""

from django.conf import settings
from django.db import models

from tandem.records import ClinicalRecord


class Severity(models.TextChoices):
    INFO = "info", "Information"
    WARNING = "warning", "Needs attention"
    HIGH = "high", "High"
    CRITICAL = "critical", "Critical — act today"


SEVERITY_RANK = {Severity.INFO: 0, Severity.WARNING: 1, Severity.HIGH: 2, Severity.CRITICAL: 3}


class AlertStatus(models.TextChoices):
    OPEN = "open", "Open"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"


class Alert(ClinicalRecord):
    """One alert. `kind` is a code a module registers (see monitoring.kinds), not a choice
    list, so a new module adds alert kinds without a migration here."""

    # Set by the pages that show an alert, not stored: its kind in words, and on the
    # critical board whether it waited past the program's escalation time and for how long.
    kind_label: str
    escalated: bool
    hours_open: float

    participant = models.ForeignKey(
        "participants.Participant", on_delete=models.PROTECT, related_name="alerts"
    )
    episode = models.ForeignKey(
        "participants.Episode", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(max_length=40)
    severity = models.CharField(max_length=10, choices=Severity.choices)
    title = models.CharField(max_length=200)
    detail = models.TextField(blank=True)
    source_type = models.CharField(max_length=60, blank=True)
    source_id = models.CharField(max_length=64, blank=True)
    dedupe_key = models.CharField(max_length=120, blank=True)
    status = models.CharField(max_length=14, choices=AlertStatus.choices, default=AlertStatus.OPEN)
    assigned_to = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="alerts")
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledgement_note = models.TextField(blank=True)

    class Meta(ClinicalRecord.Meta):
        indexes = [
            models.Index(fields=["participant", "status"]),
            # The open critical alerts a director's home and board list, oldest first: a
            # few dozen read in order, where every alert ever raised was read to find them.
            models.Index(
                fields=["created_at", "id"],
                condition=models.Q(severity="critical", status="open"),
                name="alert_open_critical",
            ),
        ]
        constraints = [
            *ClinicalRecord.Meta.constraints,
            models.UniqueConstraint(
                fields=["participant", "dedupe_key"],
                condition=models.Q(status="open") & ~models.Q(dedupe_key=""),
                name="alert_one_open_per_dedupe_key",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_severity_display()}: {self.title}"

    @property
    def is_open(self) -> bool:
        return self.status == AlertStatus.OPEN

    @property
    def is_acknowledged(self) -> bool:
        return self.status == AlertStatus.ACKNOWLEDGED
