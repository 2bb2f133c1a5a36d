"""Re-chain the events written before chains had a key and one chain per organization.

The old chain (unkeyed SHA-256, one global chain) is verified first: re-chaining a trail
that was already tampered with would launder the tampering, so a broken old chain stops
the migration. Each event then joins its organization's chain (the participant's
organization, else the actor's only organization, else the installation's chain), takes
its action's generic event type, and is linked again with the keyed MAC.
"""

import hashlib
import json

from django.db import migrations

from audit.chain import GENESIS, chain_key, link

BATCH = 2000


def _old_canonical(event) -> str:
    """The content the unkeyed chain hashed (audit/services.py before this migration)."""
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


def _batches(AuditEvent):
    last = 0
    while True:
        batch = list(AuditEvent.objects.filter(id__gt=last).order_by("id")[:BATCH])
        if not batch:
            return
        yield batch
        last = batch[-1].id


def _verify_old_chain(AuditEvent) -> None:
    prev, expected = GENESIS, 1
    for batch in _batches(AuditEvent):
        for event in batch:
            digest = hashlib.sha256((prev + _old_canonical(event)).encode()).hexdigest()
            if event.seq != expected or event.prev_hash != prev or event.hash != digest:
                raise RuntimeError(
                    f"The audit chain is broken at event #{expected}; it is not re-chained. "
                    "Investigate with `manage.py audit_verify` on the previous release."
                )
            prev, expected = event.hash, expected + 1


def _single_organizations(Membership) -> dict[int, int]:
    orgs: dict[int, set[int]] = {}
    for user_id, org_id in Membership.objects.values_list("user_id", "organization_id"):
        orgs.setdefault(user_id, set()).add(org_id)
    return {user: next(iter(ids)) for user, ids in orgs.items() if len(ids) == 1}


def rechain(apps, schema_editor) -> None:
    AuditEvent = apps.get_model("audit", "AuditEvent")
    ChainHead = apps.get_model("audit", "ChainHead")
    Membership = apps.get_model("accounts", "Membership")
    Participant = apps.get_model("participants", "Participant")
    ChainHead.objects.all().delete()
    heads: dict[int | None, tuple[int, str]] = {None: (0, GENESIS)}
    if AuditEvent.objects.exists():
        _verify_old_chain(AuditEvent)
        key = chain_key()
        participant_org = dict(Participant.objects.values_list("id", "organization_id"))
        actor_org = _single_organizations(Membership)
        postgres = schema_editor.connection.vendor == "postgresql"
        if postgres:
            schema_editor.execute(
                "ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_no_change"
            )
        else:
            schema_editor.execute("DROP TRIGGER IF EXISTS audit_event_no_update")
        for batch in _batches(AuditEvent):
            for event in batch:
                if event.participant_id is not None:
                    org = participant_org[event.participant_id]
                else:
                    org = actor_org.get(event.actor_id)
                seq, prev = heads.get(org, (0, GENESIS))
                event.organization_id = org
                event.event_type = f"record.{event.action}"
                event.seq = seq + 1
                event.prev_hash = prev
                event.hash = link(event, prev, key)
                heads[org] = (event.seq, event.hash)
            AuditEvent.objects.bulk_update(
                batch, ["organization", "event_type", "seq", "prev_hash", "hash"]
            )
        if postgres:
            schema_editor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER audit_event_no_change")
    ChainHead.objects.bulk_create(
        ChainHead(organization_id=org, seq=seq, hash=digest) for org, (seq, digest) in heads.items()
    )


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0003_chains_per_organization"),
        ("accounts", "0001_initial"),
        ("participants", "0001_initial"),
    ]
    operations = [migrations.RunPython(rechain)]
