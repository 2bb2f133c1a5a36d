"""Writing and confirming safety plans: a draft changes in place, a confirmed one never."""

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from audit.models import Action
from audit.services import record_event
from participants.access import Scope, require
from participants.models import Participant
from safety.models import STEP_FIELDS, SafetyPlan
from safety.selectors import confirmed_plan, draft_of, next_number
from tandem import lifecycle
from tandem.errors import ConcurrentEdit, InvalidInput
from tandem.validation import validate

MAX_STEP_LENGTH = 4000


class DraftStarted(ConcurrentEdit):
    """A new draft asked for while another one is open (two people started the plan at once,
    or a form opened before the other draft was saved): theirs stays, nothing is written."""

    def __init__(self, draft: SafetyPlan) -> None:
        super().__init__(
            "safety plan",
            message=f"Someone else started this safety plan (draft version {draft.number}) "
            "after you opened the form. Here is their draft: add your changes to it and save "
            "again.",
        )
        self.draft = draft


def _cleaned(text: str | None) -> str:
    """A step as it is kept: one item per line, no blank lines, no padding."""
    return "\n".join(line.strip() for line in (text or "").splitlines() if line.strip())


def save_draft(
    participant: Participant,
    *,
    by: Any,
    steps: Mapping[str, str],
    expected_version: int | None,
    number: int | None = None,
    now: datetime | None = None,
) -> SafetyPlan:
    """Write the draft: a new one starts from the latest confirmed plan (`expected_version`
    None), an open one is changed in place (its version must match). `number` is the draft the
    form was opened to write (the open one, or the next): a form opened before a version was
    confirmed is refused, as a later draft starts again at version 1."""
    decision = require(by, participant, Action.CHANGE, Scope.CLINICAL)
    unknown = set(steps) - set(STEP_FIELDS)
    if unknown:
        raise InvalidInput(f"A safety plan has no step {', '.join(sorted(unknown))}.")
    cleaned = {f: _cleaned(steps.get(f)) for f in steps}
    for field, text in cleaned.items():
        if len(text) > MAX_STEP_LENGTH:
            raise InvalidInput(f"Keep each step under {MAX_STEP_LENGTH} characters.", field=field)
    with transaction.atomic():
        # Two first drafts saved at once: the later one waits here and then finds the other.
        Participant.objects.select_for_update(no_key=True).only("pk").get(pk=participant.pk)
        draft = draft_of(participant, for_update=True)
        if draft is None:
            following = next_number(participant)
            if expected_version is not None or number not in (None, following):
                raise ConcurrentEdit("safety plan")
            base = confirmed_plan(participant)
            draft = SafetyPlan(
                participant=participant,
                number=following,
                recorded_by=by,
                recorded_at=now or timezone.now(),
                **{f: getattr(base, f) if base else "" for f in STEP_FIELDS},
            )
            for field, text in cleaned.items():
                setattr(draft, field, text)
            validate(draft, exclude=["participant", "recorded_by"])
            draft.save()
        elif expected_version is None:
            raise DraftStarted(draft)
        elif number is not None and number != draft.number:
            raise ConcurrentEdit("safety plan")
        else:
            draft = lifecycle.lock_current(
                SafetyPlan,
                draft.pk,
                expected_version=expected_version,
                what="safety plan",
            )
            for field, text in cleaned.items():
                setattr(draft, field, text)
            validate(draft, exclude=["participant", "recorded_by"])
            lifecycle.save_new_version(draft, list(cleaned))
        record_event(
            actor=by,
            event_type="safety_plan.drafted",
            decision=decision,
            participant=participant,
            record=draft,
            details={"number": draft.number, "steps": sorted(cleaned)},
        )
    return draft


def confirm(
    plan: SafetyPlan,
    *,
    by: Any,
    expected_version: int,
    written_with_participant: bool,
    now: datetime | None = None,
) -> SafetyPlan:
    """Confirm the draft with the participant: from now on this version never changes."""
    decision = require(by, plan.participant, Action.CHANGE, Scope.CLINICAL)
    if not written_with_participant:
        raise InvalidInput(
            "A safety plan is written with the participant: confirm that it was.",
            field="written_with_participant",
        )
    if plan.is_empty:
        raise InvalidInput("Write at least one step before confirming the plan.")
    with transaction.atomic():
        return lifecycle.sign(
            plan,
            by=by,
            expected_version=expected_version,
            decision=decision,
            now=now,
            what="safety plan",
            also={"written_with_participant": True},
            details={"number": plan.number},
            event_type="safety_plan.confirmed",
        )


def confirm_as_written(
    plan: SafetyPlan,
    *,
    by: Any,
    steps: Mapping[str, str],
    expected_version: int,
    written_with_participant: bool,
    now: datetime | None = None,
) -> SafetyPlan:
    """Confirm the draft with what the form's boxes say now: steps changed since it was last
    saved are saved first, in the same transaction, so the words confirmed are the words
    written with the participant. A draft changed by someone else since the form was opened
    is refused (its version), and a refusal writes nothing, not even the edits."""
    with transaction.atomic():
        if any(_cleaned(text) != getattr(plan, field, None) for field, text in steps.items()):
            plan = save_draft(
                plan.participant,
                by=by,
                steps=steps,
                expected_version=expected_version,
                number=plan.number,
                now=now,
            )
            expected_version = plan.version
        return confirm(
            plan,
            by=by,
            expected_version=expected_version,
            written_with_participant=written_with_participant,
            now=now,
        )
