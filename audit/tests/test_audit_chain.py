"""The audit trail is append-only, hash-chained, and tampering is caught at the right row."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from audit.models import Action, AuditEvent
from audit.services import record_event, verify_chain


def _write_events(world, n=5):
    for i in range(n):
        record_event(
            actor=world.users["therapist"],
            action=Action.VIEW,
            participant=world.participant,
            details={"i": i},
        )


def _tamper(sql: str, params: list) -> None:
    """Edit a row behind the application's back, as an attacker with database access would."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = replica")  # triggers off (superuser)
            cursor.execute(sql, params)
            cursor.execute("SET session_replication_role = DEFAULT")
        else:
            cursor.execute("DROP TRIGGER audit_event_no_update")
            cursor.execute(sql, params)


def test_an_intact_chain_verifies(world, capsys):
    _write_events(world)
    report = verify_chain()
    assert report.ok and report.checked == AuditEvent.objects.count()
    call_command("audit_verify")
    assert "Audit chain intact" in capsys.readouterr().out


def test_an_edited_event_is_reported_by_audit_verify(world):
    _write_events(world)
    target = AuditEvent.objects.order_by("seq")[2]
    _tamper(
        "UPDATE audit_auditevent SET actor_label = %s WHERE id = %s", ["someone-else", target.pk]
    )

    report = verify_chain()

    assert report.first_broken_seq == target.seq
    assert "altered" in report.problem
    with pytest.raises(CommandError, match=f"broken at event #{target.seq}"):
        call_command("audit_verify")


def test_a_deleted_event_is_reported(world):
    _write_events(world)
    target = AuditEvent.objects.order_by("seq")[1]
    _tamper("DELETE FROM audit_auditevent WHERE id = %s", [target.pk])
    assert verify_chain().first_broken_seq == target.seq


def test_the_application_refuses_to_edit_or_delete_events(world):
    _write_events(world, 1)
    event = AuditEvent.objects.first()
    event.actor_label = "x"
    with pytest.raises(TypeError):
        event.save()
    with pytest.raises(TypeError):
        event.delete()
    with pytest.raises(TypeError):
        AuditEvent.objects.all().update(actor_label="x")


def test_the_database_refuses_updates_too(world):
    _write_events(world, 1)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET actor_label = 'x'")


def test_an_event_rolls_back_with_the_change_it_describes(world):
    before = AuditEvent.objects.count()

    def failing_change():
        with transaction.atomic():
            record_event(
                actor=world.users["therapist"], action=Action.CHANGE, participant=world.participant
            )
            raise RuntimeError("the change failed")

    with pytest.raises(RuntimeError):
        failing_change()
    assert AuditEvent.objects.count() == before
    assert verify_chain().ok
