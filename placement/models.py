"""Level-of-care decisions (immutable; a new one supersedes) and referrals out."""

from django.conf import settings
from django.db import models

from accounts.models import LevelOfCare
from placement.asam import DIMENSIONS
from tandem.models import TimeStamped

DIMENSION_NAMES = {d.id: d.name for d in DIMENSIONS}


class ImmutableDecisionError(TypeError):
    """A recorded decision is never edited or deleted; record a new one that supersedes it."""


class _Immutable(models.Model):
    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise ImmutableDecisionError(
                "Level-of-care records cannot be changed; record a new decision instead."
            )
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableDecisionError("Level-of-care records are never deleted.")


class LevelOfCareDecision(TimeStamped, _Immutable):
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
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_on = models.DateField()
    supersedes = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="superseded_by",
    )

    class Meta:
        indexes = [models.Index(fields=["episode", "created_at"])]

    def __str__(self) -> str:
        return f"Level-of-care decision: {self.get_chosen_level_display()}"

    @property
    def follows_recommendation(self) -> bool:
        return self.chosen_level == self.recommended_level


class DimensionRating(_Immutable):
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


class ReferralOut(TimeStamped, _Immutable):
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
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    made_on = models.DateField()

    def __str__(self) -> str:
        return f"Referral out to {self.to_provider} ({self.get_to_level_display()})"
