"""The integrated treatment plan: one plan per episode for both disorders, in signed versions.

A plan version holds problems (each linked to the diagnoses and level-of-care dimensions it
addresses) → goals in the participant's own words → measurable objectives (optionally bound
to a measure, whose progress is computed, never typed) → interventions. Signing locks the
version and all its rows; a revision is the next version, with what changed. The participant's
acknowledgement, a supervisor's co-signature and each review are records of their own, so a
signed version itself never changes.
"""

import uuid
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.signals import m2m_changed
from django.dispatch import receiver

from accounts.models import Role
from tandem.models import TimeStamped, Versioned
from tandem.records import ClinicalRecord, Immutable, ImmutableRecordError, Signable

if TYPE_CHECKING:
    from participants.models import Participant

# The modalities IOPs use, seeded into every program's editable list (issue #10).
DEFAULT_MODALITIES: tuple[str, ...] = (
    "Group CBT",
    "DBT skills",
    "Motivational interviewing",
    "Relapse prevention",
    "Family therapy",
    "Mindfulness-based stress reduction",
    "Psychoeducation",
    "Trauma-focused group",
    "Peer support",
    "Medication management",
    "Case management",
    "Vocational/educational skills",
)

PLAN_LOCKED = Q(plan__signed_at__isnull=False)


class PlanSettings(TimeStamped, Versioned):
    """A program's treatment-plan rules; a program without a row has the defaults (both off)."""

    program = models.OneToOneField(
        "accounts.Program", on_delete=models.PROTECT, related_name="plan_settings"
    )
    cosign_required = models.BooleanField(
        default=False, help_text="A supervisor co-signs every signed plan version."
    )
    block_scheduling_until_signed = models.BooleanField(
        default=False,
        help_text="An episode cannot become active (and be scheduled) before its first plan is signed.",
    )

    class Meta:
        verbose_name_plural = "plan settings"

    def __str__(self) -> str:
        return f"Plan settings of {self.program}"


class Modality(TimeStamped):
    """One entry of a program's list of intervention modalities; retired ones stay for history."""

    program = models.ForeignKey(
        "accounts.Program", on_delete=models.PROTECT, related_name="plan_modalities"
    )
    name = models.CharField(max_length=80)
    active = models.BooleanField(default=True)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name_plural = "modalities"
        ordering = ["order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["program", "name"], name="plan_modality_unique")
        ]

    def __str__(self) -> str:
        return self.name


class TreatmentPlan(ClinicalRecord, Signable, Immutable, Versioned):
    """One version of an episode's treatment plan. Version 1 is the first plan; a revision is
    a new draft that copies the signed version it `revises` and says what changed. The plan in
    force is the newest signed version that is not entered in error."""

    locked_when = Signable.SIGNED

    participant = models.ForeignKey(
        "participants.Participant", on_delete=models.PROTECT, related_name="treatment_plans"
    )
    episode = models.ForeignKey(
        "participants.Episode", on_delete=models.PROTECT, related_name="treatment_plans"
    )
    number = models.PositiveIntegerField(default=1, help_text="1 is the first plan.")
    revises = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="revised_by",
        help_text="The signed version this one revises (once, unless that revision is withdrawn).",
    )
    change_summary = models.TextField(
        blank=True, help_text="What changed from the version it revises."
    )
    changes = models.JSONField(
        default=list, blank=True, help_text="The differences from the revised version, as signed."
    )
    content_sha256 = models.CharField(max_length=64, blank=True)

    class Meta(ClinicalRecord.Meta):
        constraints = [
            *ClinicalRecord.Meta.constraints,
            models.UniqueConstraint(fields=["episode", "number"], name="plan_version_unique"),
            models.UniqueConstraint(
                fields=["revises"],
                condition=Q(entered_in_error_at__isnull=True),
                name="plan_revised_once",
            ),
            models.CheckConstraint(
                condition=Q(revises__isnull=True) | ~Q(change_summary=""),
                name="plan_revision_says_what_changed",
            ),
        ]
        indexes = [models.Index(fields=["participant", "episode", "number"])]

    def __str__(self) -> str:
        state = "signed" if self.is_signed else "draft"
        return f"Treatment plan version {self.number} ({state})"


class ProblemDomain(models.TextChoices):
    SUBSTANCE_USE = "substance_use", "Substance use"
    MENTAL_HEALTH = "mental_health", "Mental health"
    MEDICAL = "medical", "Medical"
    FAMILY = "family", "Family and relationships"
    HOUSING = "housing", "Housing"
    WORK = "work", "Work and education"
    LEGAL = "legal", "Legal"
    SOCIAL = "social", "Social and recovery support"
    OTHER = "other", "Other"


class PlanPart(TimeStamped, Immutable):
    """A row of one plan version: changes while the version is a draft, never once signed.

    `lineage` stays the same across versions, so an objective revised in version 3 is still
    the objective a note addressed in version 2.
    """

    locked_when = PLAN_LOCKED

    lineage = models.UUIDField(default=uuid.uuid4, db_index=True)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        abstract = True
        ordering = ["order", "pk"]


class Problem(PlanPart):
    """A problem in the one integrated list, with the diagnoses and ASAM dimensions it
    addresses and, when it was suggested, the record it came from."""

    plan = models.ForeignKey(TreatmentPlan, on_delete=models.CASCADE, related_name="problems")
    domain = models.CharField(max_length=20, choices=ProblemDomain.choices)
    statement = models.TextField(help_text="The problem, as the clinician states it.")
    diagnoses = models.ManyToManyField("intake.Diagnosis", blank=True, related_name="+")
    dimensions = models.JSONField(
        default=list, blank=True, help_text="ASAM dimension ids (1–6) this problem addresses."
    )
    source = models.CharField(
        max_length=200, blank=True, help_text="The record a suggested problem came from."
    )
    source_record = models.CharField(max_length=80, blank=True)

    class Meta(PlanPart.Meta):
        pass

    def __str__(self) -> str:
        return f"{self.get_domain_display()}: {self.statement[:60]}"

    def clean(self) -> None:
        from placement.asam import DIMENSION_IDS

        if not isinstance(self.dimensions, list) or any(
            str(d) not in DIMENSION_IDS for d in self.dimensions
        ):
            raise ValidationError({"dimensions": "Dimensions are ASAM dimension numbers 1 to 6."})
        self.dimensions = sorted({str(d) for d in self.dimensions})
        if not (self.statement or "").strip():
            raise ValidationError({"statement": "State the problem."})


class Goal(PlanPart):
    """What the participant wants, in their own words."""

    plan = models.ForeignKey(TreatmentPlan, on_delete=models.CASCADE, related_name="goals")
    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="goals")
    text = models.TextField(help_text="The participant's own words.")

    class Meta(PlanPart.Meta):
        pass

    def __str__(self) -> str:
        return self.text[:60]

    def clean(self) -> None:
        if not (self.text or "").strip():
            raise ValidationError({"text": "Write the goal in the participant's own words."})


class Comparator(models.TextChoices):
    LT = "lt", "<"
    LE = "le", "≤"
    GT = "gt", ">"
    GE = "ge", "≥"
    EQ = "eq", "="


class Objective(PlanPart):
    """A measurable step toward a goal, by a target date. Bound to a measure (`measure_key`
    from `plans.measures`), its target is a comparison (PHQ-9 < 10) and its progress is read
    from the record."""

    plan = models.ForeignKey(TreatmentPlan, on_delete=models.CASCADE, related_name="objectives")
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="objectives")
    text = models.TextField()
    target_date = models.DateField()
    measure_key = models.CharField(max_length=60, blank=True)
    comparator = models.CharField(max_length=2, choices=Comparator.choices, blank=True)
    target_value = models.DecimalField(max_digits=9, decimal_places=2, null=True, blank=True)

    class Meta(PlanPart.Meta):
        constraints = [
            models.CheckConstraint(
                condition=Q(measure_key="", comparator="", target_value__isnull=True)
                | (~Q(measure_key="") & ~Q(comparator="") & Q(target_value__isnull=False)),
                name="plan_objective_measure_whole",
            )
        ]

    def __str__(self) -> str:
        return self.text[:60]

    def clean(self) -> None:
        from plans import measures

        if not (self.text or "").strip():
            raise ValidationError({"text": "Say what the participant will do or reach."})
        if self.measure_key:
            if measures.get(self.measure_key) is None:
                raise ValidationError({"measure_key": "Choose a measure from the list."})
            if not self.comparator:
                raise ValidationError({"comparator": "Choose how the value compares (<, ≤, …)."})
            if self.target_value is None:
                raise ValidationError({"target_value": "Give the target value."})
        elif self.comparator or self.target_value is not None:
            raise ValidationError({"measure_key": "A target needs a measure to compare."})

    @property
    def measure_label(self) -> str:
        """The bound measure as the plan names it ("PHQ-9 total", "Craving (daily check-in,
        0-10)"), not its key; the key when no module offers that measure any more."""
        from plans import measures

        measure = measures.get(self.measure_key) if self.measure_key else None
        return measure.label if measure is not None else self.measure_key

    @property
    def target_label(self) -> str:
        if not self.measure_key:
            return ""
        value = self.target_value.normalize() if isinstance(self.target_value, Decimal) else ""
        return f"{self.get_comparator_display()} {value:f}" if value != "" else ""


class Intervention(PlanPart):
    """What staff will do for an objective: the modality, how often and who."""

    plan = models.ForeignKey(TreatmentPlan, on_delete=models.CASCADE, related_name="interventions")
    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="interventions")
    modality = models.ForeignKey(Modality, on_delete=models.PROTECT, related_name="+")
    frequency = models.CharField(max_length=80, help_text="For example: 3 times a week.")
    responsible_role = models.CharField(max_length=20, choices=Role.choices)
    detail = models.TextField(blank=True)

    class Meta(PlanPart.Meta):
        pass

    def __str__(self) -> str:
        return f"{self.modality} — {self.frequency}"

    def clean(self) -> None:
        if not (self.frequency or "").strip():
            raise ValidationError({"frequency": "Say how often (for example: weekly)."})


class AcknowledgedVia(models.TextChoices):
    PORTAL = "portal", "On the portal"
    IN_PERSON = "in_person", "In person, on the staff device"


class Acknowledgement(ClinicalRecord, Immutable):
    """The participant's acknowledgement of one signed version (theirs on the portal, or taken
    in person by the staff member who records it)."""

    plan = models.OneToOneField(
        TreatmentPlan, on_delete=models.PROTECT, related_name="acknowledgement"
    )
    via = models.CharField(max_length=10, choices=AcknowledgedVia.choices)
    comment = models.TextField(blank=True, help_text="The participant's words, if any.")

    class Meta(ClinicalRecord.Meta):
        pass

    def __str__(self) -> str:
        return f"Acknowledged {self.get_via_display().lower()}"


class Cosignature(ClinicalRecord, Immutable):
    """A supervisor's co-signature of one signed version (`recorded_by` is the supervisor)."""

    plan = models.OneToOneField(TreatmentPlan, on_delete=models.PROTECT, related_name="cosignature")

    class Meta(ClinicalRecord.Meta):
        pass

    def __str__(self) -> str:
        return "Co-signed"


class ReviewReason(models.TextChoices):
    SCHEDULED = "scheduled", "Review interval reached"
    LEVEL_OF_CARE = "level_of_care", "Level of care changed"


class PlanReview(ClinicalRecord, Immutable):
    """A review of the plan in force that kept it unchanged (a review that changes it is the
    signed revision itself)."""

    plan = models.ForeignKey(TreatmentPlan, on_delete=models.PROTECT, related_name="reviews")
    reason = models.CharField(max_length=20, choices=ReviewReason.choices)
    reviewed_on = models.DateField()
    note = models.TextField()

    class Meta(ClinicalRecord.Meta):
        indexes = [models.Index(fields=["plan", "reviewed_on"])]

    def __str__(self) -> str:
        return f"Plan review on {self.reviewed_on}"

    @property
    def participant(self) -> "Participant":
        """Whose plan was reviewed: the trail of a withdrawal names them, and what follows a
        withdrawal (`tandem.lifecycle.WITHDRAWN`) finds them, as on any record of theirs."""
        return self.plan.participant

    @property
    def participant_id(self) -> int:
        return self.plan.participant_id


class ObjectiveOutcome(models.TextChoices):
    MET = "met", "Met"
    CONTINUED = "continued", "Continued"
    DISCONTINUED = "discontinued", "Discontinued"


# An objective judged met or discontinued at a review is closed: its date no longer calls
# for the review (`plans.selectors.past_its_date`); a continued one keeps its date.
CLOSING_OUTCOMES = frozenset({ObjectiveOutcome.MET, ObjectiveOutcome.DISCONTINUED})


class ReviewedObjective(ClinicalRecord, Immutable):
    """What a review judged of one objective of the version it reviewed: met, continued or
    discontinued, in the clinician's judgement (a bound measure's progress is read beside it,
    never in its place). Written with its review, and never changed."""

    review = models.ForeignKey(PlanReview, on_delete=models.PROTECT, related_name="outcomes")
    objective = models.ForeignKey(
        Objective, on_delete=models.PROTECT, related_name="review_outcomes"
    )
    outcome = models.CharField(max_length=20, choices=ObjectiveOutcome.choices)
    comment = models.CharField(max_length=300, blank=True)

    class Meta(ClinicalRecord.Meta):
        constraints = [
            *ClinicalRecord.Meta.constraints,
            models.UniqueConstraint(
                fields=["review", "objective"], name="plan_review_outcome_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} at the plan review"

    @property
    def is_met(self) -> bool:
        return self.outcome == ObjectiveOutcome.MET

    @property
    def is_continued(self) -> bool:
        return self.outcome == ObjectiveOutcome.CONTINUED


class ReviewSchedule(models.Model):
    """When an episode's plan is next due for review, stored so the lists of reviews due are
    one indexed query paged in the database. Derived from the record (`plans.review_rule`)
    and rewritten by the services that sign a plan, record a review, withdraw a version or
    record a level-of-care decision; no signed plan yet is a row without a date."""

    episode = models.OneToOneField(
        "participants.Episode",
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="plan_review",
    )
    plan = models.ForeignKey(
        TreatmentPlan, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    due_on = models.DateField(null=True, blank=True)
    reason = models.CharField(max_length=20, default="no_plan")

    class Meta:
        indexes = [models.Index(fields=["due_on", "episode"], name="plan_review_due_idx")]

    def __str__(self) -> str:
        return f"Plan review due {self.due_on or '—'}"


@receiver(m2m_changed, sender=Problem.diagnoses.through)
def _diagnoses_follow_the_plan(sender, instance, action: str, **kwargs) -> None:
    """A signed version's problems keep the diagnoses they were signed with."""
    if action.startswith("pre_") and isinstance(instance, Problem) and instance.is_locked():
        raise ImmutableRecordError(Problem.refusal({"diagnoses"}))
