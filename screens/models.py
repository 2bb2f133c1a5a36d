"""Drug screens: the panel as data, the specimen, each analyte's result and its reading.

Drug screens are 42 CFR Part 2 records: read and written only through the CLINICAL scope
of the access policy, every access audited.
"""

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from screens import interpret
from tandem.dates import validate_in_range
from tandem.models import TimeStamped
from tandem.records import (
    ENTERED_IN_ERROR_FIELDS,
    ClinicalRecord,
    ClinicalRecordQuerySet,
    Immutable,
)


class Specimen(models.TextChoices):
    URINE = "urine", "Urine"
    ORAL_FLUID = "oral-fluid", "Oral fluid"
    BREATH = "breath", "Breath"


class Method(models.TextChoices):
    """How the specimen was read. Cups and lab screens are immunoassays (clinical reference
    §10); a breath test is read by the breath-testing device, which is none of them."""

    POINT_OF_CARE = "point-of-care", "Point-of-care immunoassay"
    LAB_IMMUNOASSAY = "lab-immunoassay", "Laboratory immunoassay"
    LAB_DEFINITIVE = "lab-definitive", "Laboratory GC-MS or LC-MS/MS (definitive)"
    BREATH_ANALYSER = "breath-analyser", "Breath alcohol analyser"


def reads(method: str, specimen: str) -> bool:
    """Whether the method reads the specimen: the breath alcohol analyser reads breath, and
    only breath is read by it."""
    return (method == Method.BREATH_ANALYSER) == (specimen == Specimen.BREATH)


def methods_for(specimen: str) -> list[tuple[str, str]]:
    """The methods that read the specimen, as choices."""
    return [(value, label) for value, label in Method.choices if reads(value, specimen)]


class Validity(models.TextChoices):
    VALID = interpret.VALID, "Within limits"
    DILUTE = interpret.DILUTE, "Dilute"
    ADULTERATED = interpret.ADULTERATED, "Adulterated"
    SUBSTITUTED = interpret.SUBSTITUTED, "Substituted"
    NOT_CHECKED = interpret.NOT_CHECKED, "Not checked"


class Result(models.TextChoices):
    POSITIVE = interpret.POSITIVE, "Positive"
    NEGATIVE = interpret.NEGATIVE, "Negative"
    INVALID = interpret.NOT_READABLE, "Invalid (could not be read)"


class Confirmation(models.TextChoices):
    NOT_SENT = "not-sent", "Not sent"
    SENT = "sent", "Sent for confirmation"
    POSITIVE = "positive", "Confirmed positive"
    NEGATIVE = "negative", "Not confirmed (negative)"


class Flag(models.TextChoices):
    EXPECTED_POSITIVE = interpret.EXPECTED_POSITIVE, "Expected positive"
    UNEXPECTED_POSITIVE = interpret.UNEXPECTED_POSITIVE, "Unexpected positive"
    UNEXPECTED_NEGATIVE = interpret.UNEXPECTED_NEGATIVE, "Unexpected negative"
    SELF_REPORT_DISCORDANT = interpret.SELF_REPORT_DISCORDANT, "Differs from self-report"
    INVALID = interpret.INVALID, "Invalid"
    TAMPERED_SPECIMEN = (
        interpret.TAMPERED_SPECIMEN,
        interpret.FLAG_LABELS[interpret.TAMPERED_SPECIMEN],
    )


# The flags the care team must see and act on: everything but a positive a listed
# medication explains. A screen with one of them waits for a clinician's review.
FINDINGS = frozenset(
    {
        Flag.UNEXPECTED_POSITIVE,
        Flag.UNEXPECTED_NEGATIVE,
        Flag.SELF_REPORT_DISCORDANT,
        Flag.INVALID,
        Flag.TAMPERED_SPECIMEN,
    }
)
# Validities of an adulterated or substituted specimen: a presumptive positive, read as use
# until shown otherwise (clinical reference §10, "Tampered = presumptive positive", ASAM).
TAMPERED = (Validity.ADULTERATED, Validity.SUBSTITUTED)
REVIEW_COMMENT_MAX = 500
# The program capability of those who review unexpected results (participants.access).
REVIEWS_RESULTS = "drug_screen.review"
# The program capability of those who add and retire the organization's own panels.
KEEPS_PANELS = "drug_screen.panels"


class PanelQuerySet(models.QuerySet):
    def usable_by(self, *organization_ids: int) -> "PanelQuerySet":
        """The shared panels and these organizations' own: never another organization's."""
        return self.filter(Q(organization__isnull=True) | Q(organization_id__in=organization_ids))


PanelManager = models.Manager.from_queryset(PanelQuerySet)


class Panel(TimeStamped):
    """A device or lab order: which analytes, at which cut-offs, as printed on it. A shared
    panel (no organization) is seeded for every program; a program adds its own, which
    only its organization's screens may use. A panel is never edited: one with other
    cut-offs is a new panel, and the old one is retired (its screens keep pointing at it)."""

    # The seeded panels' codes are fixed (the API names them); an organization's panel gets
    # a generated one (`screens.services.add_panel`), so two programs may name theirs alike.
    code = models.SlugField(max_length=60, unique=True)
    organization = models.ForeignKey(
        "accounts.Organization",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Empty for the shared panels every organization may use.",
    )
    name = models.CharField(max_length=120)
    specimen = models.CharField(max_length=12, choices=Specimen.choices)
    method = models.CharField(max_length=20, choices=Method.choices)
    source = models.TextField(help_text="Where the cut-offs come from.")
    is_active = models.BooleanField(default=True)

    objects: ClassVar[PanelManager] = PanelManager()

    def __str__(self) -> str:
        return self.name

    @property
    def shared(self) -> bool:
        return self.organization_id is None


class PanelAnalyte(TimeStamped):
    panel = models.ForeignKey(Panel, on_delete=models.PROTECT, related_name="analytes")
    code = models.CharField(max_length=10)
    name = models.CharField(max_length=120)
    cutoff = models.DecimalField(max_digits=10, decimal_places=3, null=True, blank=True)
    unit = models.CharField(max_length=20, blank=True)
    cutoff_source = models.CharField(max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["panel", "code"], name="panel_analyte_code_unique")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def cutoff_label(self) -> str:
        if self.cutoff is None:
            return "as printed on the device"
        return f"{self.cutoff.normalize():f} {self.unit}".strip()


class DrugScreenQuerySet(ClinicalRecordQuerySet):
    def needing_review(self) -> "DrugScreenQuerySet":
        """The screens `DrugScreen.needs_review` names, as one query (the home's list, the
        review's refusal): the same three conditions, in the same words."""
        finding = ScreenResult.objects.filter(screen=OuterRef("pk"), flag__in=FINDINGS)
        return self.filter(
            Q(entered_in_error_at__isnull=True)
            & Q(review__isnull=True)
            & (Q(validity__in=TAMPERED) | Exists(finding))
        )


DrugScreenManager = models.Manager.from_queryset(DrugScreenQuerySet)


class DrugScreen(ClinicalRecord, Immutable):
    """One specimen, collected and read once; a mistaken one is marked entered in error."""

    participant = models.ForeignKey(
        "participants.Participant", on_delete=models.PROTECT, related_name="drug_screens"
    )
    episode = models.ForeignKey(
        "participants.Episode", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    panel = models.ForeignKey(Panel, on_delete=models.PROTECT, related_name="+")
    specimen = models.CharField(max_length=12, choices=Specimen.choices)
    method = models.CharField(max_length=20, choices=Method.choices)
    observed = models.BooleanField(help_text="Collection was directly observed.")
    collected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    collected_at = models.DateTimeField()
    validity = models.CharField(
        max_length=12, choices=Validity.choices, default=Validity.NOT_CHECKED
    )
    note = models.TextField(blank=True)
    self_report_discordance = models.TextField(
        blank=True,
        help_text=(
            "Why a tampered specimen, a presumptive positive, differs from the participant's "
            "own report of no use since the previous screen; blank when it does not."
        ),
    )

    objects: ClassVar[DrugScreenManager] = DrugScreenManager()

    class Meta(ClinicalRecord.Meta):
        indexes = [models.Index(fields=["participant", "collected_at"])]

    def __str__(self) -> str:
        return f"{self.get_specimen_display()} screen"

    @property
    def collected_on(self):
        """The day of collection in the program's time, not UTC's."""
        return timezone.localdate(self.collected_at)

    @property
    def specimen_reading(self) -> str | None:
        """The specimen's own reading, from its validity (recorded, never recomputed), so a
        tampered specimen reads as a presumptive positive whatever its analytes' stored flags."""
        return interpret.specimen_reading(self.validity)

    @property
    def self_report_reading(self) -> str | None:
        """A tampered specimen against the participant's report of no use (§10 rule 4)."""
        if not self.self_report_discordance:
            return None
        return f"{Flag.SELF_REPORT_DISCORDANT.label}: {self.self_report_discordance}"

    @property
    def needs_review(self) -> bool:
        """The one rule for a screen waiting for a clinician's review (the API's field; the
        home's list and the review's refusal read `needing_review()`, its query): in force,
        not yet reviewed, and either its specimen was tampered with (read from its recorded
        validity, whatever its analytes' flags) or one of its results is a finding. Reads
        `results` and `review`: a list prefetches them."""
        return (
            not self.entered_in_error
            and not hasattr(self, "review")
            and (self.validity in TAMPERED or any(r.is_finding for r in self.results.all()))
        )


CONFIRMATION_FIELDS = frozenset(
    {"confirmation", "confirmation_sent_at", "confirmed_at", "flag", "flag_reason"}
)


class ScreenResult(TimeStamped, Immutable):
    """One analyte's result. Only the confirmation (and the reading it changes) arrives later."""

    mutable_fields = ENTERED_IN_ERROR_FIELDS | CONFIRMATION_FIELDS

    screen = models.ForeignKey(DrugScreen, on_delete=models.PROTECT, related_name="results")
    analyte = models.ForeignKey(PanelAnalyte, on_delete=models.PROTECT, related_name="+")
    result = models.CharField(max_length=10, choices=Result.choices)
    flag = models.CharField(max_length=24, choices=Flag.choices, blank=True)
    flag_reason = models.TextField(blank=True)
    confirmation = models.CharField(
        max_length=10, choices=Confirmation.choices, default=Confirmation.NOT_SENT
    )
    confirmation_sent_at = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["analyte__order", "analyte__code"]
        constraints = [
            models.UniqueConstraint(fields=["screen", "analyte"], name="screen_result_unique")
        ]

    @property
    def standing_result(self) -> str:
        """The result as it stands: a confirmation replaces the immunoassay's."""
        if self.confirmation == Confirmation.POSITIVE:
            return Result.POSITIVE
        if self.confirmation == Confirmation.NEGATIVE:
            return Result.NEGATIVE
        return self.result

    @property
    def has_confirmation(self) -> bool:
        """Confirmed either way: the result is final and takes no further confirmation."""
        return self.confirmation in (Confirmation.POSITIVE, Confirmation.NEGATIVE)

    @property
    def awaits_confirmation(self) -> bool:
        """A positive or flagged result not yet confirmed: the tab offers the confirmation."""
        return not self.has_confirmation and (self.result == Result.POSITIVE or bool(self.flag))

    @property
    def sent_for_confirmation(self) -> bool:
        return self.confirmation == Confirmation.SENT

    @property
    def flag_is_expected(self) -> bool:
        return self.flag == Flag.EXPECTED_POSITIVE

    @property
    def is_finding(self) -> bool:
        """Flagged beyond the expected: what the screen's review is about."""
        return self.flag in FINDINGS

    @property
    def presumptive(self) -> bool:
        """A positive immunoassay not yet confirmed (ASAM: no consequence on it alone)."""
        return (
            self.result == Result.POSITIVE
            and self.screen.method != Method.LAB_DEFINITIVE
            and not self.has_confirmation
        )


class ScreenReview(ClinicalRecord, Immutable):
    """A clinician's review of a screen's unexpected findings, with what was done about them:
    its own record beside the screen, which never changes; one per screen."""

    screen = models.OneToOneField(DrugScreen, on_delete=models.PROTECT, related_name="review")
    comment = models.CharField(max_length=REVIEW_COMMENT_MAX)

    def __str__(self) -> str:
        return f"Review of drug screen {self.screen_id}"


class UseReport(ClinicalRecord, Immutable):
    """A clinician's entry of the last known use (what the participant told them, a
    collateral report): one of the sources of 'days since last known use'."""

    participant = models.ForeignKey(
        "participants.Participant", on_delete=models.PROTECT, related_name="use_reports"
    )
    last_used_on = models.DateField(validators=[validate_in_range])
    substance = models.CharField(max_length=120, blank=True)
    note = models.TextField(blank=True)

    class Meta(ClinicalRecord.Meta):
        indexes = [models.Index(fields=["participant", "last_used_on"])]
