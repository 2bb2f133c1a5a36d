"""Level-of-care decisions, the admission guard, admission and closing after a referral out.

Each write is one transaction with its audit event. Decisions are never edited: a new
decision supersedes the current one through the record base's one supersede mechanism.
"""

from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import Any
from uuid import UUID

from django.db import transaction
from django.utils import timezone

from accounts.models import LevelOfCare
from audit.models import Action
from audit.services import record_event
from intake.services import MIN_REASON_LENGTH
from participants.access import Scope, require, require_with_capability
from participants.models import (
    Episode,
    EpisodeStatus,
)
from participants.services import admit_episode, transition_episode
from placement import asam, rules, selectors
from placement.models import DimensionRating, LevelOfCareDecision, ReferralOut
from tandem import dates, lifecycle
from tandem.errors import ConcurrentEdit, InvalidInput
from tandem.hooks import Hook
from tandem.templatetags.clock import day

CLOSING_STATUSES = (EpisodeStatus.TRANSFERRED_OUT, EpisodeStatus.DECLINED)


def recommend(
    episode: Episode, ratings: Mapping[str, int], *, now: datetime | None = None
) -> rules.Recommendation:
    """What the program's rule set recommends for these ratings and the results known at
    `now` (the clock's when left out)."""
    inputs = rules.rule_inputs(ratings, selectors.recent_results(episode.participant, now=now))
    return rules.evaluate(rules.active_rule_set(), inputs)


def _check_ratings(ratings: Mapping[str, int], notes: Mapping[str, str]) -> None:
    for dimension in asam.DIMENSIONS:
        rating = ratings.get(dimension.id)
        if isinstance(rating, bool) or not isinstance(rating, int) or not 0 <= rating <= 4:
            raise InvalidInput(
                f"Rate dimension {dimension.id} ({dimension.name}) from 0 to 4.",
                field=f"rating_{dimension.id}",
            )
        if rating > 0 and not (notes.get(dimension.id) or "").strip():
            raise InvalidInput(
                f"Add a note saying why dimension {dimension.id} is rated {rating}.",
                field=f"note_{dimension.id}",
            )
    unknown = set(ratings) - set(asam.DIMENSION_IDS)
    if unknown:
        raise InvalidInput(f"Unknown dimension(s): {', '.join(sorted(unknown))}.")


# Called with the episode inside the transaction that records a level-of-care decision, so
# the apps that derive something from the level (the plan's next review) keep it current.
AFTER_DECISION: Hook[Callable[[Episode], None]] = Hook("placement.after_decision")


def record_decision(
    episode: Episode,
    *,
    ratings: Mapping[str, int],
    notes: Mapping[str, str],
    chosen_level: str,
    by: Any,
    current_id: UUID | None,
    reason: str = "",
    prerequisites_done: bool = False,
    refer_to: str = "",
    decided_on: date | None = None,
    now: datetime | None = None,
) -> LevelOfCareDecision:
    """Record the clinician's decision beside the rule set's recommendation.

    `current_id` is the decision the clinician saw as current (None if there was none): a
    different one now means someone decided in between. A level other than the program's
    own records a referral out to `refer_to`. `decided_on` is the day the decision was made
    (a team meeting's, recorded the day after), the program's today when left out; a decision
    dated before the current one's goes into the history without replacing it.
    """
    participant = episode.participant
    decision = require_with_capability(
        by,
        participant,
        "level_of_care.decide",
        Action.CHANGE,
        Scope.CLINICAL,
        refusal="Only a licensed clinician can record a level-of-care decision.",
    )
    if not episode.is_open:
        raise InvalidInput(
            "This episode is closed: no new level-of-care decision can be made on it."
        )
    now = now or timezone.now()
    decided_on = _check_decided_on(episode, decided_on, now)
    _check_ratings(ratings, notes)
    if chosen_level not in LevelOfCare.values:
        raise InvalidInput("Choose a level of care.", field="chosen_level")
    reason = (reason or "").strip()
    refer_to = (refer_to or "").strip()
    recommendation = recommend(episode, ratings, now=now)
    if chosen_level != recommendation.level and len(reason) < MIN_REASON_LENGTH:
        recommended = asam.level_label(recommendation.level) if recommendation.level else "no level"
        raise InvalidInput(
            f"The level you chose differs from the recommendation ({recommended}): "
            "give your reason.",
            field="reason",
        )
    if (
        recommendation.prerequisites
        and chosen_level in asam.OUTPATIENT_LEVELS
        and not prerequisites_done
    ):
        raise InvalidInput(
            "An outpatient level needs this done first: "
            + "; ".join(p[0].lower() + p[1:] for p in recommendation.prerequisites)
            + ". Confirm that it is done.",
            field="prerequisites_done",
        )
    refers_out = chosen_level != episode.level_of_care
    if refers_out and not refer_to:
        raise InvalidInput(
            "This level is not this program's: name the program or provider you are referring to.",
            field="refer_to",
        )
    with transaction.atomic():
        locked = Episode.objects.select_for_update().get(pk=episode.pk)
        current = selectors.current_decision(locked)
        if (current.public_id if current else None) != current_id:
            raise ConcurrentEdit("level-of-care decision")
        made = LevelOfCareDecision(
            participant=participant,
            episode=locked,
            rule_set=recommendation.rule_set.name,
            recommended_level=recommendation.level or "",
            fired_rules=[r.as_dict() for r in recommendation.fired],
            prerequisites=list(recommendation.prerequisites),
            prerequisites_done=bool(recommendation.prerequisites) and prerequisites_done,
            instrument_results=[r.as_dict() for r in recommendation.inputs.results.values()],
            chosen_level=chosen_level,
            reason=reason,
            recorded_by=by,
            recorded_at=now,
            decided_on=decided_on,
        )
        details = {
            "episode": str(locked.public_id),
            "rule_set": made.rule_set,
            "referral_out": refers_out,
        }
        if current is None or decided_on < current.decided_on:
            made.save()
            record_event(
                actor=by,
                event_type="level_of_care.decided",
                participant=participant,
                record=made,
                decision=decision,
                details={
                    "supersedes": None,
                    "decided_on": decided_on.isoformat(),
                    "current": str(current.public_id) if current else None,
                    **details,
                },
            )
        else:
            lifecycle.supersede(
                current,
                made,
                by=by,
                reason=reason,
                decision=decision,
                what="level-of-care decision",
                require_reason=False,
                details={"decided_on": decided_on.isoformat(), **details},
                event_type="level_of_care.decided",
            )
        DimensionRating.objects.bulk_create(
            DimensionRating(
                decision=made,
                dimension=d.id,
                rating=ratings[d.id],
                note=(notes.get(d.id) or "").strip(),
            )
            for d in asam.DIMENSIONS
        )
        if refers_out:
            ReferralOut.objects.create(
                participant=participant,
                episode=locked,
                decision=made,
                to_level=chosen_level,
                to_provider=refer_to[:200],
                reason=reason or " ".join(r.reason for r in recommendation.deciding),
                recorded_by=by,
                recorded_at=now,
                made_on=decided_on,
            )
        for listener in AFTER_DECISION.implementations():
            listener(locked)
    return made


def _check_decided_on(episode: Episode, decided_on: date | None, now: datetime) -> date:
    """The day the decision was made: the program's today when not given, never later, never
    before the referral that opened the episode, and once the participant is admitted never
    before the admission (the level at admission is what the admission was checked against).
    A decision after discharge cannot be made: a discharged episode is closed."""
    today = episode.program.today(now)
    if decided_on is None:
        return today
    decided_on = dates.check(decided_on, field="decided_on", label="The decision date")
    if decided_on > today:
        raise InvalidInput(
            f"The decision date ({day(decided_on)}) is in the future: give the day the "
            "decision was made, today at the latest.",
            field="decided_on",
        )
    if decided_on < episode.referred_on:
        raise InvalidInput(
            f"The decision date ({day(decided_on)}) is before the referral of "
            f"{day(episode.referred_on)}: a decision belongs to the episode it was made in.",
            field="decided_on",
        )
    admitted = episode.admitted_on
    if admitted is not None and decided_on < admitted <= today:
        raise InvalidInput(
            f"The decision date ({day(decided_on)}) is before the admission of "
            f"{day(admitted)}: the participant was admitted on the decision made at intake, "
            "so a decision recorded since is a review in care, dated on the admission day or "
            "later.",
            field="decided_on",
        )
    return decided_on


def admission_guard(episode: Episode, to_status: str) -> str | None:
    """Registered for "admitted": admission needs the decision in effect on the admission day
    (`admitted_on`, set before the guards run) to be for the program's level."""
    level = asam.level_label(episode.level_of_care)
    on = episode.admitted_on or episode.program.today()
    in_effect = selectors.decision_in_effect(episode, on)
    if in_effect is None:
        first = selectors.counted_decisions().filter(episode=episode).first()
        if first is not None:
            return (
                f"No level-of-care decision is in effect on the admission date ({day(on)}): "
                f"the first is dated {day(first.decided_on)}. Admit on the day of a decision "
                f"for {level} or later."
            )
        return f"Record a level-of-care decision for {level} before admitting."
    if in_effect.chosen_level != episode.level_of_care:
        return (
            f"The level-of-care decision in effect on {day(on)} is "
            f"{in_effect.get_chosen_level_display()}, not {level}. Record a new decision "
            "before admitting."
        )
    return None


def admit(
    episode: Episode, *, by: Any, on: date, primary_clinician: Any, expected_version: int
) -> Episode:
    """Admit to the program once the decision for its level is recorded (the admission guard,
    registered for "admitted", refuses otherwise); the episode's lifecycle does the rest."""
    return admit_episode(
        episode,
        by=by,
        on=on,
        primary_clinician=primary_clinician,
        expected_version=expected_version,
    )


def close_after_referral(
    episode: Episode,
    *,
    to_status: str,
    by: Any,
    on: date,
    expected_version: int,
    confirmed: bool = False,
) -> Episode:
    """After a decision that refers the participant elsewhere: transferred out or declined."""
    require(by, episode.participant, Action.CHANGE, Scope.CLINICAL)
    if to_status not in CLOSING_STATUSES:
        raise InvalidInput("Choose transferred out or declined.", field="to_status")
    if episode.version != expected_version:
        raise ConcurrentEdit("episode")
    current = selectors.current_decision(episode)
    referral = ReferralOut.objects.filter(decision=current).first() if current else None
    if referral is None:
        raise InvalidInput("The current level-of-care decision does not refer elsewhere.")
    reason = f"Referred to {referral.to_provider} ({referral.get_to_level_display()})"[:300]
    return transition_episode(
        episode,
        to_status=to_status,
        by=by,
        on=on,
        reason=reason,
        expected_version=expected_version,
        confirmed=confirmed,
        pass_through=True,
    )
