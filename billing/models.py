"""Billing: the payers the program bills and each participant's coverage by them.

What each code means comes from the clinical reference, section 5 "Billing and coding"; the
rules a payer adds to it (a daily minimum for S9480, which of several payers to bill) are the
payer's contract, which Tandem does not hold, so the service-days page shows the figures and
leaves those decisions to the biller.
"""

import calendar
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

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
    # §5 "Medicare IOP (since 1 Jan 2024)": paid per diem on an institutional claim with
    # condition code 92, in two per-diem APCs (3-service days, 4-or-more-service days).
    # S9480 has Medicare status "I" (not payable), so a Medicare payer takes this instead.
    MEDICARE_IOP = "CC92", "Medicare IOP, condition code 92 (institutional claim)"


# What a Medicare payer's per diem is called on the lines and in the CSV.
MEDICARE_IOP_NAME = "Medicare IOP, condition code 92"


# §5: H0015 is billed for a day of at least 3 hours.
H0015_DAILY_MINUTES = 180


class Payer(TimeStamped):
    """A payer the organization bills, with the IOP per-diem code its contract takes."""

    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(max_length=200)
    per_diem_code = models.CharField("IOP per-diem code", max_length=5, choices=PerDiemCode.choices)
    medicare = models.BooleanField(
        "Medicare payer",
        default=False,
        help_text="Medicare pays IOP per diem on an institutional claim with condition code 92.",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "name"], name="payer_name_once"),
            # A Medicare payer's per diem is Medicare IOP, and only a Medicare payer's is.
            models.CheckConstraint(
                condition=Q(medicare=True, per_diem_code=PerDiemCode.MEDICARE_IOP)
                | (Q(medicare=False) & ~Q(per_diem_code=PerDiemCode.MEDICARE_IOP)),
                name="payer_medicare_per_diem",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def takes_h0015(self) -> bool:
        return self.per_diem_code == PerDiemCode.H0015

    @property
    def per_diem_name(self) -> str:
        """The per diem as a line names it: the code, or Medicare IOP's condition code."""
        return MEDICARE_IOP_NAME if self.medicare else self.per_diem_code


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


def certified_until(certified_on: date) -> date:
    """The last day a certification dated `certified_on` covers.

    Clinical reference §5 (Medicare IOP): a physician certifies the need for at least 9 hours
    a week, "recertified no less often than every other month". The reference gives no
    count of days, so a certification is read as covering from its date to the end of the
    second calendar month after it (certified on 15 January: in force to 31 March).
    """
    month = certified_on.month + 2
    year = certified_on.year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    return date(year, month, calendar.monthrange(year, month)[1])


def certified_before(last_day: date) -> date:
    """The first date of certification whose certification runs past `last_day`: one dated
    before it is in force no later than `last_day` (`certified_until` read backwards, so a
    query finds the certifications ending by a day from their date alone)."""
    after = last_day + timedelta(days=1)
    month = after.month - 2
    year = after.year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    return date(year, month, 1)


# How many days before a Medicare IOP certification ends the chart says its recertification is
# due and the worklist asks for it. The program's choice, not the reference's: §5 says only
# "recertified no less often than every other month".
RECERTIFY_NOTICE_DAYS = 14


class IopCertification(ClinicalRecord, Immutable):
    """A physician's certification (or recertification) that a participant needs at least
    9 hours a week of IOP services, for one stay: what a Medicare IOP per diem needs
    (clinical reference §5). Never changed once recorded; withdrawn as entered in error."""

    participant = models.ForeignKey(
        "participants.Participant", on_delete=models.PROTECT, related_name="iop_certifications"
    )
    episode = models.ForeignKey(
        "participants.Episode", on_delete=models.PROTECT, related_name="iop_certifications"
    )
    physician = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="certifying physician",
    )
    certified_on = models.DateField("date of certification", validators=[validate_in_range])
    needs_nine_hours = models.BooleanField(
        "The participant needs at least 9 hours a week of IOP services", default=False
    )

    class Meta(ClinicalRecord.Meta):
        verbose_name = "IOP certification"
        indexes = [models.Index(fields=["participant", "certified_on"])]

    def __str__(self) -> str:
        return f"IOP certification of {self.certified_on}"

    def clean(self) -> None:
        super().clean()
        if not self.needs_nine_hours:
            raise ValidationError(
                {
                    "needs_nine_hours": ValidationError(
                        "A certification states that the participant needs at least 9 hours "
                        "a week of IOP services.",
                        code=NAMES_ITS_FIELD,
                    )
                }
            )

    @property
    def in_force_until(self) -> date:
        return certified_until(self.certified_on)

    def covers(self, day: date) -> bool:
        """Whether this certification is in force on `day`."""
        return self.certified_on <= day <= self.in_force_until
