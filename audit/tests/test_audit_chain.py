"""The audit trail is append-only, chained per organization by a keyed MAC, and tampering is
caught at the right row."""

import hashlib
import hmac

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from audit.chain import GENESIS, payload
from audit.models import Action, AuditEvent, ChainHead
from audit.services import record_event, verify_chain


def _write_events(world, n=5, participant=None):
    for i in range(n):
        record_event(
            actor=world.users["therapist"],
            event_type="chart.viewed",
            participant=participant or world.participant,
            details={"i": i},
        )


def _tamper(sql: str, params: list) -> None:
    """Change rows behind the application's back, as someone with database access would."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = replica")  # triggers off (superuser)
            cursor.execute(sql, params)
            cursor.execute("SET session_replication_role = DEFAULT")
        else:
            cursor.execute("DROP TRIGGER IF EXISTS audit_event_no_update")
            cursor.execute(sql, params)


def _relink_without_the_key(world, from_seq: int, guessed_key: bytes | None) -> None:
    """Recompute every link from `from_seq` to the head the way an attacker can: with the old
    unkeyed SHA-256, or with a guessed key."""
    events = AuditEvent.objects.filter(organization=world.org).order_by("seq")
    prev = events.get(seq=from_seq - 1).hash if from_seq > 1 else GENESIS
    for event in events.filter(seq__gte=from_seq):
        content = prev.encode() + payload(event)
        digest = (
            hashlib.sha256(content).hexdigest()
            if guessed_key is None
            else hmac.new(guessed_key, content, hashlib.sha256).hexdigest()
        )
        _tamper(
            "UPDATE audit_auditevent SET prev_hash = %s, hash = %s WHERE id = %s",
            [prev, digest, event.pk],
        )
        prev = digest
    ChainHead.objects.filter(organization=world.org).update(hash=prev)


def test_an_intact_chain_verifies(world, capsys):
    _write_events(world)
    report = verify_chain()
    assert report.ok and report.checked == AuditEvent.objects.count()
    call_command("audit_verify")
    assert "Audit chain intact" in capsys.readouterr().out


def test_an_edited_event_is_reported_by_audit_verify(world):
    _write_events(world)
    target = AuditEvent.objects.filter(organization=world.org).order_by("seq")[2]
    _tamper(
        "UPDATE audit_auditevent SET actor_label = %s WHERE id = %s", ["someone-else", target.pk]
    )

    report = verify_chain()

    assert report.first_broken_seq == target.seq
    assert "altered" in report.problem
    with pytest.raises(CommandError, match=f"broken at event #{target.seq}"):
        call_command("audit_verify")


@pytest.mark.parametrize("guessed_key", [None, b"a-guessed-key-of-the-right-length-00000"])
def test_an_edit_with_every_later_link_and_the_head_recomputed_is_still_reported(
    world, guessed_key
):
    _write_events(world, 6)
    target = AuditEvent.objects.get(organization=world.org, seq=3)
    _tamper("UPDATE audit_auditevent SET actor_label = %s WHERE id = %s", ["nobody", target.pk])

    _relink_without_the_key(world, target.seq, guessed_key)

    report = verify_chain()
    assert report.first_broken_seq == target.seq
    assert "altered" in report.problem
    with pytest.raises(CommandError, match="broken at event #3"):
        call_command("audit_verify")


def test_a_deleted_event_is_reported(world):
    _write_events(world)
    target = AuditEvent.objects.filter(organization=world.org).order_by("seq")[1]
    _tamper("DELETE FROM audit_auditevent WHERE id = %s", [target.pk])
    assert verify_chain().first_broken_seq == target.seq


def test_each_organization_has_its_own_chain(world):
    _write_events(world, 3)
    _write_events(world, 2, participant=world.other_org_participant)

    ours = AuditEvent.objects.filter(organization=world.org).order_by("seq")
    theirs = AuditEvent.objects.filter(organization=world.other_org_participant.organization)
    assert list(ours.values_list("seq", flat=True)) == [1, 2, 3]
    assert sorted(theirs.values_list("seq", flat=True)) == [1, 2]
    assert ours[0].prev_hash == GENESIS
    assert ChainHead.objects.get(organization=world.org).seq == 3
    assert verify_chain().ok


def test_an_event_without_one_organization_joins_the_installation_chain(world):
    event = record_event(actor=None, event_type="account.sign_in_failed", outcome="refused")
    assert event.organization_id is None and event.seq == 1
    assert ChainHead.objects.get(organization__isnull=True).seq == 1
    assert verify_chain().ok


def test_the_application_refuses_to_edit_or_delete_events(world):
    _write_events(world, 1)
    event = AuditEvent.objects.first()
    assert event is not None
    event.actor_label = "x"
    with pytest.raises(TypeError, match="Audit events are append-only; they cannot be updated"):
        event.save()
    with pytest.raises(TypeError, match="Audit events are append-only; they cannot be deleted"):
        event.delete()
    with pytest.raises(TypeError, match="cannot be updated"):
        AuditEvent.objects.all().update(actor_label="x")
    with pytest.raises(TypeError, match="cannot be deleted"):
        AuditEvent.objects.all().delete()


def test_the_database_refuses_updates_too(world):
    _write_events(world, 1)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET actor_label = 'x'")


def test_an_event_rolls_back_with_the_change_it_describes(world):
    before = AuditEvent.objects.count()

    def failing_change():
        with transaction.atomic():
            record_event(
                actor=world.users["therapist"],
                event_type="participant.demographics_changed",
                participant=world.participant,
            )
            raise RuntimeError("the change failed")

    with pytest.raises(RuntimeError):
        failing_change()
    assert AuditEvent.objects.count() == before
    assert verify_chain().ok


def test_without_a_key_nothing_is_written(world, settings):
    settings.AUDIT_KEY = ""
    with pytest.raises(ImproperlyConfigured, match="AUDIT_KEY_FILE"):
        _write_events(world, 1)
    assert not AuditEvent.objects.exists()


def test_events_name_a_registered_type(world):
    with pytest.raises(ValueError, match="not a registered audit event type"):
        record_event(
            actor=world.therapist, event_type="chart.peeked", participant=world.participant
        )
    event = record_event(
        actor=world.therapist, event_type="chart.viewed", participant=world.participant
    )
    assert event.action == Action.VIEW


def test_an_event_written_beyond_the_head_behind_the_application_s_back_is_reported(world):
    _write_events(world, 4)
    last = AuditEvent.objects.filter(organization=world.org).order_by("-seq").first()
    assert last is not None
    _tamper(
        "INSERT INTO audit_auditevent (organization_id, seq, occurred_at, event_type, "
        "actor_label, role, action, outcome, record_type, record_id, reason, details, "
        "prev_hash, hash) SELECT organization_id, seq + 1, occurred_at, event_type, "
        "actor_label, role, action, outcome, record_type, record_id, reason, details, "
        "hash, hash FROM audit_auditevent WHERE id = %s",
        [last.pk],
    )

    report = verify_chain()

    assert (report.first_broken_seq, report.ok) == (last.seq + 1, False)
    assert f"beyond the chain head #{last.seq}" in report.problem
