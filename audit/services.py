"""Writing and verifying the audit trail.

Every event is linked to the previous one by a SHA-256 hash over its canonical content,
so that an edited, inserted or removed row breaks the chain where it happened.
"""

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from audit.context import client_address, note_event
from audit.models import Action, AuditEvent, ChainHead, Outcome

GENESIS = "0" * 64


def _canonical(event: AuditEvent) -> str:
    payload = {
        "seq": event.seq,
        "occurred_at": event.occurred_at.isoformat(timespec="microseconds"),
        "actor": event.actor_id,
        "actor_label": event.actor_label,
        "role": event.role,
        "action": event.action,
        "outcome": event.outcome,
        "participant": event.participant_id,
        "record_type": event.record_type,
        "record_id": event.record_id,
        "client_address": event.client_address,
        "break_glass": event.break_glass_id,
        "reason": event.reason,
        "details": event.details,
    }
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str)


def event_hash(event: AuditEvent, prev_hash: str) -> str:
    return hashlib.sha256((prev_hash + _canonical(event)).encode()).hexdigest()


def record_event(
    *,
    actor: Any,
    action: str,
    participant: Any = None,
    record: Any = None,
    record_type: str = "",
    record_id: str = "",
    outcome: str = Outcome.ALLOWED,
    role: str = "",
    break_glass: Any = None,
    reason: str = "",
    details: dict | None = None,
) -> AuditEvent:
    """Append one event in the caller's transaction, so it commits or rolls back with the change."""
    if record is not None:
        record_type = record_type or record._meta.label
        record_id = record_id or str(getattr(record, "public_id", None) or record.pk)
    with transaction.atomic():
        head, _ = ChainHead.objects.select_for_update().get_or_create(pk=1)
        authenticated = actor is not None and getattr(actor, "is_authenticated", False)
        event = AuditEvent(
            seq=head.seq + 1,
            occurred_at=timezone.now(),
            actor=actor if authenticated else None,
            actor_label=actor.get_username() if authenticated else "anonymous",
            role=role,
            action=action,
            outcome=outcome,
            participant=participant,
            record_type=record_type,
            record_id=record_id,
            client_address=client_address.get(),
            break_glass=break_glass,
            reason=reason or (break_glass.reason if break_glass is not None else ""),
            details=json.loads(json.dumps(details or {}, default=str)),
            prev_hash=head.hash,
        )
        event.hash = event_hash(event, head.hash)
        event.save()
        head.seq, head.hash = event.seq, event.hash
        head.save(update_fields=["seq", "hash"])
    note_event()
    return event


def field_changes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The before/after of each field that actually changed, for the change history."""
    return {
        name: {"before": before.get(name), "after": value}
        for name, value in after.items()
        if before.get(name) != value
    }


@dataclass(frozen=True)
class ChainReport:
    checked: int
    first_broken_seq: int | None
    problem: str

    @property
    def ok(self) -> bool:
        return self.first_broken_seq is None and not self.problem


def verify_chain(batch: int = 2000) -> ChainReport:
    """Walk the chain in order and report the first event whose link or content is wrong."""
    prev = GENESIS
    expected_seq = 1
    checked = 0
    for event in AuditEvent.objects.order_by("seq").iterator(chunk_size=batch):
        if event.seq != expected_seq:
            return ChainReport(
                checked, expected_seq, f"event #{expected_seq} is missing (next found #{event.seq})"
            )
        if event.prev_hash != prev:
            return ChainReport(
                checked, event.seq, f"event #{event.seq} does not link to its predecessor"
            )
        if event_hash(event, prev) != event.hash:
            return ChainReport(
                checked, event.seq, f"event #{event.seq} was altered after it was written"
            )
        prev = event.hash
        expected_seq += 1
        checked += 1
    head = ChainHead.objects.filter(pk=1).first()
    if head is not None and head.seq != checked:
        return ChainReport(
            checked,
            checked + 1,
            f"the chain head says #{head.seq} but the last event is #{checked}",
        )
    return ChainReport(checked, None, "")


__all__ = ["Action", "ChainReport", "Outcome", "field_changes", "record_event", "verify_chain"]
