"""Writing and verifying the audit trail.

Every event is linked to the previous event of its organization's chain by a keyed MAC
(audit/chain.py), so an edited, inserted or removed row breaks the chain where it
happened and nobody without the key can recompute it; signed checkpoints
(audit/checkpoints.py) pin each chain's head so dropping the newest events shows too.
"""

import json
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from accounts.models import Membership, Organization
from audit import event_types
from audit.chain import GENESIS, chain_key, link
from audit.context import client_address, note_event
from audit.models import Action, AuditEvent, ChainHead, Outcome


def _organization_of(actor: Any, participant: Any, record: Any, organization: Any) -> int | None:
    """The chain an event joins: the participant's organization, else the record's, else the
    actor's only organization; anything else is the installation's chain."""
    if organization is not None:
        return organization.pk if isinstance(organization, Organization) else organization
    if participant is not None:
        return participant.organization_id
    if record is not None:
        if isinstance(record, Organization):
            return record.pk
        if getattr(record, "organization_id", None) is not None:
            return record.organization_id
        if getattr(record, "program_id", None) is not None:
            return record.program.organization_id
    if actor is not None and getattr(actor, "is_authenticated", False):
        orgs = list(
            Membership.objects.filter(user=actor, is_active=True)
            .values_list("organization_id", flat=True)
            .distinct()[:2]
        )
        if len(orgs) == 1:
            return orgs[0]
    return None


def _head(organization_id: int | None) -> ChainHead:
    """Lock the head row of one chain; other chains stay free."""
    heads = ChainHead.objects.select_for_update()
    if organization_id is None:
        head = heads.filter(organization__isnull=True).first()
        return head or ChainHead.objects.create(organization=None)
    head, _ = heads.get_or_create(organization_id=organization_id)
    return head


def record_event(
    *,
    actor: Any,
    event_type: str = "",
    decision: Any = None,
    participant: Any = None,
    record: Any = None,
    record_type: str = "",
    record_id: str = "",
    organization: Any = None,
    outcome: str | None = None,
    role: str = "",
    break_glass: Any = None,
    reason: str = "",
    details: dict | None = None,
    action: str = "",
) -> AuditEvent:
    """Append one event in the caller's transaction, so it commits or rolls back with the change.

    `event_type` is a registered type (audit/event_types.py); `decision` is the access
    decision the event rests on, which gives the role, the break-the-glass grant, the
    outcome and the reason unless the caller names them. `role` serves decisions that are
    not about one participant (a program capability). `action` alone (no event type)
    records the action's generic type.
    """
    organization_id, event = _unlinked(
        actor=actor,
        event_type=event_type,
        decision=decision,
        participant=participant,
        record=record,
        record_type=record_type,
        record_id=record_id,
        organization=organization,
        outcome=outcome,
        role=role,
        break_glass=break_glass,
        reason=reason,
        details=details,
        action=action,
    )
    key = chain_key()
    with transaction.atomic():
        head = _head(organization_id)
        event.seq, event.prev_hash = head.seq + 1, head.hash
        event.hash = link(event, head.hash, key)
        event.save()
        head.seq, head.hash = event.seq, event.hash
        head.save(update_fields=["seq", "hash"])
    note_event(event.participant_id)
    return event


def record_events(events: list[dict[str, Any]]) -> list[AuditEvent]:
    """Append many events (each a dict of `record_event`'s arguments) in a fixed number of
    queries: one lock of the chain heads, one insert, one head update.

    For background sweeps that write hundreds of events at once; the chain is the same as
    if each had been appended by `record_event`, in list order.
    """
    if not events:
        return []
    built = [_unlinked(**e) for e in events]
    key = chain_key()
    organization_ids = {org for org, _ in built}
    with transaction.atomic():
        heads = {
            h.organization_id: h
            for h in ChainHead.objects.select_for_update().filter(
                organization_id__in=[o for o in organization_ids if o is not None]
            )
        }
        for org in organization_ids:
            if org is None or org not in heads:
                heads[org] = _head(org)
        for org, event in built:
            head = heads[org]
            event.seq, event.prev_hash = head.seq + 1, head.hash
            event.hash = link(event, head.hash, key)
            head.seq, head.hash = event.seq, event.hash
        saved = AuditEvent.objects.bulk_create([event for _, event in built])
        ChainHead.objects.bulk_update(list(heads.values()), ["seq", "hash"])
    for event in saved:
        note_event(event.participant_id)
    return saved


def _unlinked(
    *,
    actor: Any,
    event_type: str = "",
    decision: Any = None,
    participant: Any = None,
    record: Any = None,
    record_type: str = "",
    record_id: str = "",
    organization: Any = None,
    outcome: str | None = None,
    role: str = "",
    break_glass: Any = None,
    reason: str = "",
    details: dict | None = None,
    action: str = "",
) -> tuple[int | None, AuditEvent]:
    """One event with everything but its place in the chain (seq, prev_hash, hash)."""
    kind = event_types.get(event_type or event_types.generic(action))
    details = dict(details or {})
    if decision is not None:
        role = role or decision.role
        break_glass = break_glass if break_glass is not None else decision.break_glass
        if outcome is None:
            outcome = Outcome.ALLOWED if decision.allowed else Outcome.REFUSED
        details.setdefault("why", decision.why)
    if record is not None:
        record_type = record_type or record._meta.label
        record_id = record_id or str(getattr(record, "public_id", None) or record.pk)
    authenticated = actor is not None and getattr(actor, "is_authenticated", False)
    organization_id = _organization_of(actor, participant, record, organization)
    return organization_id, AuditEvent(
        organization_id=organization_id,
        occurred_at=timezone.now(),
        event_type=kind.name,
        actor=actor if authenticated else None,
        actor_label=actor.get_username() if authenticated else "anonymous",
        role=role,
        action=kind.action,
        outcome=outcome or Outcome.ALLOWED,
        participant=participant,
        record_type=record_type,
        record_id=record_id,
        client_address=client_address.get(),
        break_glass=break_glass,
        reason=reason or (break_glass.reason if break_glass is not None else ""),
        details=json.loads(json.dumps(details, default=str)),
    )


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
    organization_id: int | None = None

    @property
    def ok(self) -> bool:
        return self.first_broken_seq is None and not self.problem


def chain_name(organization_id: int | None) -> str:
    return (
        "the installation chain" if organization_id is None else f"organization {organization_id}"
    )


def _verify_one(organization_id: int | None, key: bytes, batch: int) -> ChainReport:
    if organization_id is None:
        events = AuditEvent.objects.filter(organization__isnull=True).order_by("seq")
    else:
        events = AuditEvent.objects.filter(organization_id=organization_id).order_by("seq")
    name = chain_name(organization_id)

    def broken(seq: int, problem: str) -> ChainReport:
        return ChainReport(checked, seq, f"{name}: {problem}", organization_id)

    prev, expected_seq, checked = GENESIS, 1, 0
    for event in events.iterator(chunk_size=batch):
        if event.seq != expected_seq:
            return broken(
                expected_seq, f"event #{expected_seq} is missing (next found #{event.seq})"
            )
        if event.prev_hash != prev:
            return broken(event.seq, f"event #{event.seq} does not link to its predecessor")
        if link(event, prev, key) != event.hash:
            return broken(event.seq, f"event #{event.seq} was altered after it was written")
        prev = event.hash
        expected_seq += 1
        checked += 1
    head = (
        ChainHead.objects.filter(organization__isnull=True)
        if organization_id is None
        else ChainHead.objects.filter(organization_id=organization_id)
    ).first()
    if head is not None and (head.seq, head.hash) != (checked, prev):
        return broken(
            checked + 1, f"the chain head says #{head.seq} but the last event is #{checked}"
        )
    return ChainReport(checked, None, "", organization_id)


def chains() -> list[int | None]:
    """Every chain that has a head or an event: organization ids, and None for the installation."""
    ids = set(ChainHead.objects.values_list("organization_id", flat=True))
    ids |= set(AuditEvent.objects.values_list("organization_id", flat=True).distinct())
    return sorted(ids, key=lambda i: -1 if i is None else i)


def verify_chain(batch: int = 2000) -> ChainReport:
    """Walk every chain in order and report the first event whose link or content is wrong."""
    key = chain_key()
    checked = 0
    for organization_id in chains():
        report = _verify_one(organization_id, key, batch)
        checked += report.checked
        if not report.ok:
            return ChainReport(checked, report.first_broken_seq, report.problem, organization_id)
    return ChainReport(checked, None, "")


__all__ = ["Action", "ChainReport", "Outcome", "field_changes", "record_event", "verify_chain"]
