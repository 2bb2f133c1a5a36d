"""Level-of-care decisions (immutable; a new one supersedes) and referrals out."""

from django.db import models

from accounts.models import LevelOfCare
from placement.asam import DIMENSIONS
from tandem.records import ClinicalRecord, Immutable, Supersedable

DIMENSION_NAMES = {d.id: d.name for d in DIMENSIONS}


class LevelOfCareDecision(ClinicalRecord, Supersedable, Immutable):
    """The clinician's decision, with the six ratings (see DimensionRating), what the rule set
    recommended and why, and the instrument results it read, all as they were at the time."""

    participant = models.ForeignKey(
        "participants.Participant", on_delete=models.PROTECT, related_name="placement_decisions"
    )
    episode = models.ForeignKey(
        "participants.Episode", on_delete=models.PROTECT, related_name="placement_decisions"
    )
    rule_set = models.CharField(max_length=80, help_text="The rule set's name.")
    recommended_level = models.CharField(max_length=8, choices=LevelOfCare.choices, blank=True)
    fired_rules = models.JSONField(default=list, blank=True)
    prerequisites = models.JSONField(default=list, blank=True)
    prerequisites_done = models.BooleanField(default=False)
    instrument_results = models.JSONField(default=list, blank=True)
    chosen_level = models.CharField(max_length=8, choices=LevelOfCare.choices)
    reason = models.TextField(
        blank=True, help_text="Required when the level differs from the recommendation."
    )
    decided_on = models.DateField(
        "decided on",
        help_text="The day the decision was made; the newest by this day is the one in force.",
    )

    class Meta(ClinicalRecord.Meta):
        indexes = [
            models.Index(
                fields=["episode", "-decided_on", "-recorded_at"], name="placement_decision_newest"
            )
        ]

    def __str__(self) -> str:
        return f"Level-of-care decision: {self.get_chosen_level_display()}"

    @property
    def recorded_later(self) -> bool:
        """Whether it was recorded on a later day than it was made (dated back), in the
        program's time zone."""
        return self.recorded_at.astimezone(self.episode.program.tz).date() != self.decided_on

    @property
    def follows_recommendation(self) -> bool:
        return self.chosen_level == self.recommended_level

    @property
    def rule_set_label(self) -> str:
        """The rules it was made under, as the tab names them, not by their stored name."""
        from placement.rules import rule_set_label

        return rule_set_label(self.rule_set)


class DimensionRating(Immutable):
    """One of the six ratings of a decision: part of it, and as immutable as it is."""

    decision = models.ForeignKey(
        LevelOfCareDecision, on_delete=models.PROTECT, related_name="ratings"
    )
    dimension = models.CharField(max_length=4, help_text="ASAM 3rd-edition dimension id.")
    rating = models.PositiveSmallIntegerField()
    note = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["decision", "dimension"], name="rating_unique"),
            models.CheckConstraint(condition=models.Q(rating__lte=4), name="rating_0_to_4"),
        ]
        ordering = ["dimension"]

    def __str__(self) -> str:
        return f"Dimension {self.dimension}: {self.rating}"

    @property
    def dimension_name(self) -> str:
        return DIMENSION_NAMES.get(self.dimension, "")


class ReferralOut(ClinicalRecord, Immutable):
    """A decision for a level this program does not provide sends the participant elsewhere."""

    participant = models.ForeignKey(
        "participants.Participant", on_delete=models.PROTECT, related_name="referrals_out"
    )
    episode = models.ForeignKey(
        "participants.Episode", on_delete=models.PROTECT, related_name="referrals_out"
    )
    decision = models.OneToOneField(
        LevelOfCareDecision, on_delete=models.PROTECT, related_name="referral_out"
    )
    to_level = models.CharField(max_length=8, choices=LevelOfCare.choices)
    to_provider = models.CharField(max_length=200)
    reason = models.TextField()
    made_on = models.DateField()

    class Meta(ClinicalRecord.Meta):
        pass

    def __str__(self) -> str:
        return f"Referral out to {self.to_provider} ({self.get_to_level_display()})"
