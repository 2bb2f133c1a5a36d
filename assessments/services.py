"""Recording administrations: authorize, score with the shared scorer, save, audit, alert.

Views and the API never score: they hand the raw answers to `record_administration`,
which asks `assessments.scoring.score()` and stores its result unchanged.
"""

import uuid
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from assessments import instruments
from assessments.instruments.types import Instrument
from assessments.models import Administration, Mode, scored_columns
from assessments.scoring import AnswerError, Flag, ScoreResult, ScoringError, score
from audit.models import Action
from audit.services import record_event
from monitoring.models import Severity
from monitoring.services import raise_alert
from participants.access import Scope, require, uses_portal
from participants.models import Participant
from participants.selectors import current_episode
from tandem import dates, lifecycle
from tandem.errors import InvalidInput
from tandem.hooks import Hook

CSSRS = "cssrs-screener"
# C-SSRS screener risk level -> alert severity; an undetermined level is treated as the worst.
# The levels are the clinical reference's triage (§0, marked ⚠️ in §1a); the severity each
# raises is Tandem's, as the reference only says every yes is actionable.
CSSRS_SEVERITY = {"high": Severity.CRITICAL, "moderate": Severity.HIGH, "low": Severity.WARNING}
MIN_REASON_LENGTH = 5
# Clock skew tolerated between a device and the server for "completed at".
FUTURE_TOLERANCE = timedelta(minutes=5)

# Called inside the write's transaction as hook(participant_id) whenever a participant's
# administrations change (recorded, corrected, entered in error); measurement registers one
# that keeps its stored due moments current.
ChangedHook = Callable[[int], object]
CHANGED: Hook[ChangedHook] = Hook("assessments.changed")


def _changed(participant_id: int) -> None:
    for hook in CHANGED.implementations():
        hook(participant_id)


class InvalidAnswers(InvalidInput):
    """The scorer refused the answers; `errors` holds one {"item", "message"} per problem."""

    def __init__(self, errors: list[AnswerError]) -> None:
        super().__init__(
            "Some answers need attention: " + "; ".join(e["message"] or "" for e in errors),
            field="answers",
        )
        self.errors = errors


def instrument_or_invalid(code: str) -> Instrument:
    """The instrument for `code`, or InvalidInput naming the bad code."""
    try:
        return instruments.get(code)
    except instruments.UnknownInstrumentError:
        raise InvalidInput(f"No instrument has the code {code!r}.", field="instrument") from None


def can_self_report(instrument: Instrument) -> bool:
    """Self-report needs the published wording on screen; licensed paper forms cannot."""
    return instrument.wording == "published" and not instrument.licence.paper_form_only


def scoring_context(
    instrument: Instrument, participant: Participant, given: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """The context the scorer needs: AUDIT-C's sex comes from the record unless given."""
    context = dict(given or {})
    uses_sex = instrument.positive is not None and bool(instrument.positive.by_sex)
    if uses_sex and "sex" not in context:
        sex = participant.sex_at_birth
        context["sex"] = sex if sex in ("male", "female") else "unknown"
    return context


def alert_for(instrument: Instrument, result: ScoreResult, flag: Flag) -> tuple[str, str]:
    """The severity and the short title of the alert that a critical flag raises."""
    if instrument.code == CSSRS:
        level = (
            instrument.band_label(result.band)
            if result.band
            else "risk level undetermined (form incomplete)"
        )
        severity = CSSRS_SEVERITY.get(result.band or "", Severity.CRITICAL)
        return severity, f"C-SSRS screener answered yes: {level.lower()}"
    if flag.item and flag.code == "suicide-risk":
        return (
            Severity.CRITICAL,
            f"{instrument.short_name} item {flag.item} answered above 0 — same-day suicide "
            "risk assessment",
        )
    return Severity.CRITICAL, f"{instrument.short_name}: {flag.message}"[:200]


def _check_completed_at(completed_at: datetime) -> None:
    if timezone.is_naive(completed_at):
        raise InvalidInput("The completion time needs a time zone.", field="completed_at")
    dates.check(completed_at.date(), field="completed_at", label="The completion time")
    if completed_at > timezone.now() + FUTURE_TOLERANCE:
        raise InvalidInput("The completion time cannot be in the future.", field="completed_at")


def _check_correction(
    supersedes: Administration, participant: Participant, code: str, reason: str
) -> None:
    if supersedes.participant_id != participant.pk:
        raise InvalidInput("That administration belongs to another record.", field="supersedes")
    if supersedes.instrument != code:
        raise InvalidInput(
            "A correction must use the same instrument as the administration it corrects.",
            field="supersedes",
        )
    if supersedes.entered_in_error:
        raise InvalidInput(
            "That administration was marked entered in error; record a new one instead.",
            field="supersedes",
        )
    if len(reason) < MIN_REASON_LENGTH:
        raise InvalidInput(
            "Say why the administration is being corrected (at least 5 characters).",
            field="reason",
        )


def _chain_root(administration: Administration) -> Administration:
    """The first administration of a correction chain (alerts are deduplicated on it)."""
    node = administration
    while node.supersedes_id is not None:
        node = Administration.objects.only("public_id", "supersedes_id").get(pk=node.supersedes_id)
    return node


def record_administration(
    participant: Participant,
    *,
    code: str,
    answers: Mapping[str, Any],
    context: Mapping[str, Any] | None = None,
    mode: str,
    by: Any,
    supersedes: Administration | None = None,
    reason: str = "",
    overrides: Mapping[str, Any] | None = None,
    allow_incomplete: bool = False,
    completed_at: datetime | None = None,
    link_visit: Any = None,
) -> Administration:
    """Score and store one administration; critical answers raise alerts in the same write.

    A correction passes `supersedes` and a `reason`; it keeps the original's completion time
    unless one is given. Participants' own accounts may add self-reports only. Raises
    `InvalidAnswers` (per item) when the scorer refuses the answers; nothing is written then.
    An answer sent through a single-use link passes its `links.services.LinkVisit`: the
    link's decision stands in for an account's, and the link is spent in the same write.
    """
    if link_visit is not None:
        if link_visit.participant.pk != participant.pk:
            raise InvalidInput("This link is for someone else's questionnaire.", field="link")
        decision = link_visit.decision
    else:
        decision = require(by, participant, Action.CREATE, Scope.CLINICAL)
    if mode not in Mode.values:
        raise InvalidInput(
            f"Mode must be {' or '.join(repr(m) for m in Mode.values)}.", field="mode"
        )
    instrument = instrument_or_invalid(code)
    own_account = link_visit is not None or uses_portal(by)
    if own_account and (mode != Mode.SELF_REPORT or supersedes is not None):
        raise InvalidInput(
            "A participant's own account can add self-reports only; staff make corrections.",
            field="mode",
        )
    if mode == Mode.SELF_REPORT and not can_self_report(instrument):
        raise InvalidInput(
            f"{instrument.short_name} is administered from the licensed paper form by staff; "
            "it has no self-report mode.",
            field="mode",
        )
    reason = (reason or "").strip()
    if supersedes is not None:
        _check_correction(supersedes, participant, code, reason)
    elif reason:
        raise InvalidInput(
            "A reason is given only when correcting an administration.", field="reason"
        )
    if completed_at is None:
        completed_at = supersedes.completed_at if supersedes is not None else timezone.now()
    _check_completed_at(completed_at)
    effective_context = scoring_context(instrument, participant, context)
    try:
        result = score(
            code,
            answers,
            effective_context,
            overrides=overrides,
            allow_incomplete=allow_incomplete,
        )
    except ScoringError as exc:
        raise InvalidAnswers(exc.errors) from None

    answer_id = uuid.uuid4()
    with transaction.atomic():
        if link_visit is not None:
            link_visit.spend(answer=answer_id, details={"instrument": instrument.code})
        if supersedes is not None:
            episode_id = supersedes.episode_id
        else:
            episode = current_episode(participant)
            episode_id = episode.pk if episode is not None else None
        administration = Administration(
            public_id=answer_id,
            participant=participant,
            episode_id=episode_id,
            instrument=instrument.code,
            answers=dict(answers),
            context=effective_context,
            overrides=dict(overrides or {}),
            mode=mode,
            recorded_by=by,
            completed_at=completed_at,
            **scored_columns(result),
        )
        details = {"instrument": instrument.code, "mode": mode, "complete": result.complete}
        if supersedes is not None:
            lifecycle.supersede(
                supersedes,
                administration,
                by=by,
                reason=reason,
                decision=decision,
                what="administration",
                details=details,
                event_type="assessment.corrected",
            )
        else:
            administration.save()
            record_event(
                actor=by,
                event_type="assessment.recorded",
                participant=participant,
                record=administration,
                decision=decision,
                details={**details, "supersedes": None},
            )
        _changed(participant.pk)
        if result.critical_flags:
            root = _chain_root(administration)
            for flag in result.critical_flags:
                severity, title = alert_for(instrument, result, flag)
                raise_alert(
                    participant,
                    kind=flag.code,
                    severity=severity,
                    title=title,
                    detail=flag.message,
                    source=administration,
                    dedupe_key=f"assessment:{root.public_id}:{flag.code}",
                    by=by,
                    episode=administration.episode,
                )
    return administration


def mark_entered_in_error(
    administration: Administration, *, by: Any, reason: str
) -> Administration:
    """Strike out an administration recorded for the wrong participant or never given."""
    lifecycle.clean_reason(reason, ask="Say why this administration is entered in error.")
    decision = require(by, administration.participant, Action.CHANGE, Scope.CLINICAL)
    with transaction.atomic():
        struck = lifecycle.mark_entered_in_error(
            administration,
            by=by,
            reason=reason,
            decision=decision,
            what="administration",
            event_type="assessment.entered_in_error",
        )
        _changed(struck.participant_id)
        return struck
