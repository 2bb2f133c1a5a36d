"""Billing: the payers the program bills and each participant's coverage by them.

What each code means comes from the clinical reference, section 5 "Billing and coding"; the
rules a payer adds to it (a daily minimum for S9480, which of several payers to bill) are the
payer's contract, which Tandem does not hold, so the service-days page shows the figures and
leaves those decisions to the biller.
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import models

from tandem.dates import validate_in_range
from tandem.models import TimeStamped
from tandem.records import ClinicalRecord, Immutable
from tandem.validation import NAMES_ITS_FIELD


class PerDiemCode(models.TextChoices):
    """The IOP per-diem codes a payer may take (clinical reference §5)."""

    # §5: alcohol/drug IOP, ≥3 h/day, ≥3 days/wk, individualized plan; Medicaid/commercial.
    H0015 = "H0015", "H0015 – alcohol and/or drug intensive outpatient, per diem"
    # §5: IOP psychiatric services, per diem; commercial/Medicaid S-code. The reference gives
    # no daily minimum for it.
    S9480 = "S9480", "S9480 – intensive outpatient psychiatric services, per diem"


# §5: H0015 is billed for a day of at least 3 hours.
H0015_DAILY_MINUTES = 180


class Payer(TimeStamped):
    """A payer the organization bills, with the IOP per-diem code its contract takes."""

    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(max_length=200)
    per_diem_code = models.CharField("IOP per-diem code", max_length=5, choices=PerDiemCode.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "name"], name="payer_name_once"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def takes_h0015(self) -> bool:
        return self.per_diem_code == PerDiemCode.H0015


class Coverage(ClinicalRecord):
    """A participant's coverage by a payer, from its start to its end (open when none is
    known). Never deleted: a coverage recorded by mistake is marked entered in error."""

    participant = models.ForeignKey(
        "participants.Participant", on_delete=models.PROTECT, related_name="coverages"
    )
    payer = models.ForeignKey(Payer, on_delete=models.PROTECT, related_name="coverages")
    member_id = models.CharField("member id", max_length=60)
    starts_on = models.DateField("start date", validators=[validate_in_range])
    ends_on = models.DateField("end date", null=True, blank=True, validators=[validate_in_range])

    class Meta(ClinicalRecord.Meta):
        indexes = [models.Index(fields=["participant", "starts_on"])]

    def __str__(self) -> str:
        return f"Coverage by {self.payer_id} from {self.starts_on}"

    def clean(self) -> None:
        super().clean()
        self.member_id = (self.member_id or "").strip()
        if not self.member_id:
            raise ValidationError(
                {"member_id": ValidationError("Give the member id.", code=NAMES_ITS_FIELD)}
            )
        if self.ends_on is not None and self.starts_on and self.ends_on < self.starts_on:
            raise ValidationError(
                {
                    "ends_on": ValidationError(
                        "The end date cannot be before the start date.", code=NAMES_ITS_FIELD
                    )
                }
            )

    def covers(self, day: date) -> bool:
        """Whether this coverage is in force on `day` (its start and end days included)."""
        return self.starts_on <= day and (self.ends_on is None or day <= self.ends_on)

    def overlaps(self, starts_on: date, ends_on: date | None) -> bool:
        """Whether this coverage shares a day with the period from `starts_on` to `ends_on`."""
        return (ends_on is None or self.starts_on <= ends_on) and (
            self.ends_on is None or starts_on <= self.ends_on
        )


class ConsentPayer(TimeStamped, Immutable):
    """A payer a Part 2 consent names among its recipients, picked from the organization's
    list when the consent was recorded. Billing keeps the link because billing imports
    consent and never the other way (`consent.recipients`); it is part of what was signed,
    so it is never changed or deleted: a new consent names other payers."""

    consent = models.ForeignKey("consent.Consent", on_delete=models.PROTECT, related_name="+")
    payer = models.ForeignKey(Payer, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["consent", "payer"], name="consent_names_payer_once"),
        ]

    def __str__(self) -> str:
        return f"Consent {self.consent_id} names payer {self.payer_id}"
