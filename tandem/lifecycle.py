"""Shared steps of every clinical write: lock the row and check its version, check the
transition table, sign, supersede, mark entered in error.

These are the inner steps of a module's service: the service checks the access policy
first (outside the transaction, so a refusal's audit event stays) and passes the decision
in; these helpers run inside its transaction and write the audit event of the step.
"""

from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import Any, TypeVar, cast

from django.core.exceptions import ImproperlyConfigured
from django.db import models, transaction
from django.db.models import F
from django.utils import timezone

from tandem.errors import ConcurrentEdit, InvalidInput
from tandem.hooks import Hook
from tandem.models import Versioned
from tandem.records import ClinicalRecord, Signable, Supersedable

M = TypeVar("M", bound=Versioned)
R = TypeVar("R", bound=ClinicalRecord)
S = TypeVar("S", bound=Supersedable)
G = TypeVar("G", bound=Signable)
MIN_REASON_LENGTH = 5

# Each step's audit event goes to the trail the audit app registers from its
# AppConfig.ready() (`audit.services.record_event`); this module, below every app, never
# imports it.
EventWriter = Callable[..., object]
TRAIL: Hook[EventWriter] = Hook("tandem.lifecycle_trail")

# What follows from a record's withdrawal elsewhere (an alert raised from it closes), run in
# the withdrawal's transaction: (record, by=, reason=, decision=, now=).
WithdrawalFollower = Callable[..., object]
WITHDRAWN: Hook[WithdrawalFollower] = Hook("tandem.record_withdrawn")


def _record(**event: Any) -> None:
    writers = TRAIL.implementations()
    if not writers:
        raise ImproperlyConfigured("Clinical writes need the audit app installed for their trail.")
    for write in writers:
        write(**event)


def lock_current(model: type[M], pk: int, *, expected_version: int, what: str) -> M:
    """The row as it is now, locked until commit; refused if someone saved since the form opened."""
    current = model._base_manager.select_for_update().get(pk=pk)
    if current.version != expected_version:
        raise ConcurrentEdit(what)
    return current


def save_new_version(row: M, fields: Iterable[str]) -> M:
    """Save `fields` of a locked row with its version bumped, and read the new version back."""
    row.version = F("version") + 1
    row.save(update_fields=[*fields, "version", "modified_at"])
    row.refresh_from_db(fields=["version"])
    return row


def check_transition(
    table: Mapping[str, frozenset[str]],
    choices: type[models.TextChoices],
    current: str,
    to_status: str,
    *,
    subject: str,
) -> None:
    """Refuse a move the transition table does not list, naming the moves it does allow."""
    allowed = table[current]
    if to_status not in allowed:
        options = ", ".join(choices(s).label.lower() for s in sorted(allowed)) or "none"
        raise InvalidInput(
            f"{subject} that is {choices(current).label.lower()} cannot become "
            f"{choices(to_status).label.lower()}. Allowed next: {options}.",
            field="to_status",
        )


def clean_reason(reason: str, *, ask: str, field: str = "reason") -> str:
    """The reason stripped, or a refusal asking for one of at least a few characters."""
    reason = (reason or "").strip()
    if len(reason) < MIN_REASON_LENGTH:
        raise InvalidInput(
            f"{ask.rstrip('.')} (at least {MIN_REASON_LENGTH} characters).", field=field
        )
    return reason


def _participant_of(record: models.Model) -> Any:
    if record._meta.label == "participants.Participant":
        return record
    return cast(Any, record).participant


def mark_entered_in_error(
    record: R,
    *,
    by: Any,
    reason: str,
    decision: Any,
    now: datetime | None = None,
    what: str = "record",
    event_type: str = "record.entered_in_error",
) -> R:
    """Withdraw a record: it stays readable, with who withdrew it, when and why, and leaves
    every `current()` list. Marking it twice is refused."""
    reason = clean_reason(reason, ask=f"Say why this {what} was entered in error.")
    model = type(record)
    with transaction.atomic(savepoint=False):
        current = model._base_manager.select_for_update().get(pk=record.pk)
        if current.entered_in_error:
            raise InvalidInput(f"This {what} is already marked entered in error.")
        current.entered_in_error_at = now or timezone.now()
        current.entered_in_error_by = by
        current.entered_in_error_reason = reason
        current.save(
            update_fields=[
                "entered_in_error_at",
                "entered_in_error_by",
                "entered_in_error_reason",
                "modified_at",
            ]
        )
        _record(
            actor=by,
            event_type=event_type,
            participant=_participant_of(current),
            record=current,
            decision=decision,
            details={"changes": {"entered_in_error": {"before": False, "after": True}}},
        )
        for follow in WITHDRAWN.implementations():
            follow(
                current, by=by, reason=reason, decision=decision, now=current.entered_in_error_at
            )
    return current


def supersede(
    old: Supersedable,
    new: S,
    *,
    by: Any,
    reason: str,
    decision: Any,
    what: str = "record",
    require_reason: bool = True,
    details: Mapping[str, Any] | None = None,
    event_type: str = "record.corrected",
) -> S:
    """Save `new` as the correction of `old`. `old` is never changed; it is superseded.

    Refused when `old` is already superseded (correct the newest one) or entered in error.
    """
    reason = (reason or "").strip()
    if require_reason:
        reason = clean_reason(reason, ask=f"Say why you are correcting this {what}.")
    model: type[models.Model] = type(old)
    with transaction.atomic(savepoint=False):
        locked = model._base_manager.select_for_update().get(pk=old.pk)
        if model._base_manager.filter(supersedes=locked).exists():
            raise InvalidInput(
                f"That {what} was already corrected; correct the newest version.",
                field="supersedes",
            )
        if isinstance(locked, ClinicalRecord) and locked.entered_in_error:
            raise InvalidInput(
                f"That {what} is entered in error; record a new one instead of correcting it.",
                field="supersedes",
            )
        new.supersedes = cast(Supersedable, locked)
        new.supersede_reason = reason
        new.save()
        _record(
            actor=by,
            event_type=event_type,
            participant=_participant_of(new),
            record=new,
            decision=decision,
            reason=reason,
            details={"supersedes": str(getattr(locked, "public_id", locked.pk)), **(details or {})},
        )
    return new


def sign(
    record: G,
    *,
    by: Any,
    expected_version: int,
    decision: Any,
    now: datetime | None = None,
    what: str = "record",
    also: Mapping[str, Any] | None = None,
    details: Mapping[str, Any] | None = None,
    event_type: str = "record.signed",
) -> G:
    """Sign a draft: from now on it never changes. `also` sets further columns in the same
    write (a content hash, a status); `details` go into the audit event."""
    model: type[Any] = type(record)
    with transaction.atomic(savepoint=False):
        current = lock_current(model, record.pk, expected_version=expected_version, what=what)
        if current.is_signed:
            raise InvalidInput(f"This {what} is already signed.")
        current.signed_by = by
        current.signed_at = now or timezone.now()
        for name, value in (also or {}).items():
            setattr(current, name, value)
        save_new_version(current, ["signed_by", "signed_at", *(also or {})])
        _record(
            actor=by,
            event_type=event_type,
            participant=_participant_of(current),
            record=current,
            decision=decision,
            details={"changes": {"signed": {"before": False, "after": True}}, **(details or {})},
        )
    return current


def add_addendum(
    signed: Supersedable,
    addendum: S,
    *,
    by: Any,
    reason: str,
    decision: Any,
    what: str = "record",
    details: Mapping[str, Any] | None = None,
    event_type: str = "record.addendum_started",
) -> S:
    """Start the next version of a signed record: `addendum` supersedes it with a reason.
    An unsigned record is changed in place instead, so asking for an addendum to it is refused."""
    if not getattr(signed, "is_signed", False):
        raise InvalidInput(f"This {what} is not signed yet; change it in place.")
    reason = clean_reason(
        reason,
        ask=f"This {what} is signed. Say why you are changing it (the reason for the addendum).",
        field="addendum_reason",
    )
    return supersede(
        signed,
        addendum,
        by=by,
        reason=reason,
        decision=decision,
        what=what,
        details=details,
        event_type=event_type,
    )
