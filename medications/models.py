"""The participant's medication list: what is prescribed, by whom, from when to when.

Substance-use treatment medications on this list (buprenorphine, methadone, naltrexone,
acamprosate, disulfiram) are 42 CFR Part 2 records: they are read and written only through
the CLINICAL scope of the access policy and every access is audited.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from medications import catalog
from tandem.dates import validate_in_range
from tandem.models import Versioned
from tandem.records import ClinicalRecord
from tandem.validation import NAMES_ITS_FIELD


class Medication(ClinicalRecord, Versioned):
    """One medication on the list. Stopping it sets `stopped_on` (a versioned edit); a
    mistaken entry is marked entered in error, never deleted."""

    # Set by the Medications tab, not stored: adherence from the participant's check-ins.
    adherence: str
    # Set by `selectors.medications_for`, not stored: stopped before the program's today.
    stopped: bool

    participant = models.ForeignKey(
        "participants.Participant", on_delete=models.PROTECT, related_name="medications"
    )
    code = models.CharField(
        max_length=40,
        blank=True,
        choices=catalog.CHOICES,
        help_text="A medication the list knows by name; blank for one named in `name`.",
    )
    name = models.CharField(max_length=120, help_text="As written on the prescription.")
    dose = models.CharField(max_length=120, blank=True, help_text='For example "16 mg daily".')
    prescribed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="A prescriber of this program.",
    )
    prescribed_elsewhere = models.CharField(
        max_length=200, blank=True, help_text="A prescriber outside the program, as written."
    )
    started_on = models.DateField(validators=[validate_in_range])
    stopped_on = models.DateField(null=True, blank=True, validators=[validate_in_range])
    stop_reason = models.CharField(max_length=200, blank=True)
    note = models.TextField(blank=True)

    class Meta(ClinicalRecord.Meta):
        indexes = [models.Index(fields=["participant", "started_on"])]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        """A stop is not before the start; a medication names who prescribes it, here or not."""
        super().clean()
        if self.stopped_on and self.started_on and self.stopped_on < self.started_on:
            raise ValidationError(
                {
                    "stopped_on": ValidationError(
                        "The stop date cannot be before the start date.", code=NAMES_ITS_FIELD
                    )
                }
            )
        if self.prescribed_by_id and self.prescribed_elsewhere.strip():
            raise ValidationError(
                {
                    "prescribed_elsewhere": ValidationError(
                        "Name a prescriber here or one elsewhere, not both.",
                        code=NAMES_ITS_FIELD,
                    )
                }
            )

    @property
    def group(self) -> str:
        known = catalog.known(self.code)
        return known.group if known else catalog.OTHER

    @property
    def group_label(self) -> str:
        return catalog.GROUPS[self.group]

    @property
    def is_part2(self) -> bool:
        """Substance-use treatment medications are 42 CFR Part 2 records."""
        return self.group in (catalog.OUD, catalog.AUD)

    @property
    def prescriber(self) -> str:
        if self.prescribed_by_id:
            return str(self.prescribed_by)
        return self.prescribed_elsewhere or "—"

    def taken_on(self, day) -> bool:
        """On the list that day: started on or before it and not stopped before it."""
        return self.started_on <= day and (self.stopped_on is None or self.stopped_on >= day)
