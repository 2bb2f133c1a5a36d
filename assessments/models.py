"""Administrations: one participant's answers to one instrument, scored by the shared scorer.

An administration is immutable once submitted. A data-entry mistake is fixed by a new
administration that supersedes the old one (with a reason); a record made for the wrong
participant is marked entered-in-error. Either way the original row stays readable.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import models

from tandem.records import ClinicalRecord, Immutable, ImmutableRecordError, Supersedable

if TYPE_CHECKING:
    from assessments.instruments.types import Instrument
    from assessments.scoring import ScoreResult

__all__ = ["Administration", "ImmutableRecordError", "Mode", "scored_columns"]


def scored_columns(result: ScoreResult) -> dict[str, Any]:
    """The scorer's result as an administration's columns, so every writer (the service, the
    demo, the synthetic history) stores a result the same way."""
    extended = result.to_dict(extended=True)
    return {
        "complete": result.complete,
        "total": result.total,
        "subscales": dict(result.subscales),
        "band": result.band or "",
        "positive": result.positive,
        "flags": extended["flags"],
        "thresholds": extended["thresholds"],
    }


class Mode(models.TextChoices):
    STAFF_ENTERED = "staff-entered", "Staff-entered"
    SELF_REPORT = "self-report", "Self-report"


class Administration(ClinicalRecord, Supersedable, Immutable):
    """One completed (or knowingly incomplete) instrument, with the scorer's result."""

    # Set by assessments.selectors for the pages that list administrations, not stored: the
    # instrument's definition, the band in words, and the correction that replaced it if any.
    definition: Instrument | None
    band_label: str
    newer: Administration | None
    is_superseded: bool
    is_current: bool

    participant = models.ForeignKey(
        "participants.Participant", on_delete=models.PROTECT, related_name="administrations"
    )
    episode = models.ForeignKey(
        "participants.Episode",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="administrations",
    )
    instrument = models.CharField(max_length=40, help_text="Instrument code, e.g. phq-9.")
    answers = models.JSONField(default=dict, help_text="Item id → published point value.")
    context = models.JSONField(default=dict, blank=True, help_text="Scoring context, e.g. sex.")
    overrides = models.JSONField(default=dict, blank=True, help_text="Program cut-off overrides.")
    mode = models.CharField(max_length=16, choices=Mode.choices, default=Mode.STAFF_ENTERED)
    completed_at = models.DateTimeField()
    # The scorer's result, stored as it was when submitted.
    complete = models.BooleanField()
    total = models.IntegerField(null=True, blank=True)
    subscales = models.JSONField(default=dict, blank=True)
    band = models.CharField(max_length=40, blank=True)
    positive = models.BooleanField(null=True, blank=True)
    flags = models.JSONField(default=list, blank=True)
    thresholds = models.JSONField(default=dict, blank=True)

    class Meta(ClinicalRecord.Meta):
        indexes = [
            models.Index(fields=["participant", "instrument", "completed_at"]),
            # The outcomes board's first and latest scored administration of each episode,
            # read straight from the index instead of sorting the episode's administrations.
            models.Index(
                fields=["episode", "instrument", "completed_at", "id"],
                include=["total"],
                condition=models.Q(
                    complete=True, total__isnull=False, entered_in_error_at__isnull=True
                ),
                name="administration_scored_in_order",
            ),
        ]
        constraints = [
            *ClinicalRecord.Meta.constraints,
            models.CheckConstraint(
                condition=models.Q(supersedes__isnull=True) | ~models.Q(supersede_reason=""),
                name="administration_correction_has_reason",
            ),
            models.CheckConstraint(
                condition=models.Q(mode__in=["staff-entered", "self-report"]),
                name="administration_mode_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.instrument} administration {self.public_id}"

    def result_dict(self) -> dict:
        """The scorer's result in the API shape (`ScoreResult.to_dict()`)."""
        return {
            "instrument": self.instrument,
            "complete": self.complete,
            "total": self.total,
            "subscales": self.subscales,
            "band": self.band or None,
            "positive": self.positive,
            "flags": [
                {"code": f["code"], "item": f.get("item"), "message": f["message"]}
                for f in self.flags
            ],
        }

    @property
    def critical_flags(self) -> list[dict]:
        return [f for f in self.flags if f.get("critical")]
