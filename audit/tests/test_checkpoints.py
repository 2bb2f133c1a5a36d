"""Signed checkpoints catch what a keyed chain cannot: the newest events removed and the
head moved back, or events replaced by someone who holds the MAC key."""

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from audit.chain import chain_key, link
from audit.models import AuditEvent, ChainHead
from audit.services import record_event, verify_chain

from .test_audit_chain import _tamper, _write_events


@pytest.fixture
def keys(tmp_path):
    call_command("audit_keys", "--create", str(tmp_path / "keys"))
    return tmp_path / "keys"


@pytest.fixture
def checkpoint(world, keys, tmp_path):
    """Six events in the organization's chain, one in the installation's, then a checkpoint."""
    _write_events(world, 6)
    record_event(actor=None, event_type="account.sign_in_failed", outcome="refused")
    path = tmp_path / "checkpoint.json"
    call_command(
        "audit_checkpoint", "--output", str(path), "--key", str(keys / "audit-signing.pem")
    )
    return path


def _verify(checkpoint, keys) -> None:
    call_command(
        "audit_verify", "--checkpoint", str(checkpoint), "--key", str(keys / "audit-verify.pem")
    )


def test_an_untouched_trail_matches_its_checkpoint_and_may_grow_after_it(
    world, keys, checkpoint, capsys
):
    _write_events(world, 2)
    _verify(checkpoint, keys)
    out = capsys.readouterr().out
    assert "Checkpoint matches: 2 chain heads" in out and "Audit chain intact" in out


def test_deleting_the_newest_events_and_moving_the_head_back_is_reported(world, keys, checkpoint):
    newest = AuditEvent.objects.filter(organization=world.org).order_by("-seq")[:2]
    _tamper("DELETE FROM audit_auditevent WHERE id IN (%s, %s)", [e.pk for e in newest])
    kept = AuditEvent.objects.get(organization=world.org, seq=4)
    ChainHead.objects.filter(organization=world.org).update(seq=kept.seq, hash=kept.hash)

    assert verify_chain().ok  # a shorter chain is a valid chain: only the checkpoint knows
    with pytest.raises(CommandError, match=r"signed event #6, but the trail ends at #4"):
        _verify(checkpoint, keys)


def test_replacing_events_with_the_mac_key_in_hand_is_reported(world, keys, checkpoint):
    """Whoever holds the MAC key (say, from a stolen server) can re-link a chain; they still
    cannot sign a checkpoint for it."""
    key = chain_key()
    events = AuditEvent.objects.filter(organization=world.org).order_by("seq")
    prev = events.get(seq=4).hash
    for event in events.filter(seq__gte=5):
        event.details = {"i": "forged"}
        event.prev_hash, event.hash = prev, link(event, prev, key)
        _tamper(
            "UPDATE audit_auditevent SET details = %s, prev_hash = %s, hash = %s WHERE id = %s",
            [json.dumps(event.details), event.prev_hash, event.hash, event.pk],
        )
        prev = event.hash
    ChainHead.objects.filter(organization=world.org).update(hash=prev)

    assert verify_chain().ok
    with pytest.raises(CommandError, match="event #6 is not the event the checkpoint signed"):
        _verify(checkpoint, keys)


def test_a_checkpoint_edited_to_match_the_shorter_trail_fails_its_signature(
    world, keys, checkpoint
):
    data = json.loads(checkpoint.read_text())
    data["checkpoint"]["chains"][-1]["seq"] = 4
    checkpoint.write_text(json.dumps(data))
    with pytest.raises(CommandError, match="signature does not verify"):
        _verify(checkpoint, keys)


def test_a_checkpoint_signed_by_another_key_is_refused(world, checkpoint, tmp_path):
    call_command("audit_keys", "--create", str(tmp_path / "other"))
    with pytest.raises(CommandError, match="signature does not verify"):
        _verify(checkpoint, tmp_path / "other")


def test_keys_are_never_overwritten(keys):
    before = (keys / "audit.key").read_text()
    with pytest.raises(CommandError, match=r"already holds audit\.key"):
        call_command("audit_keys", "--create", str(keys))
    assert (keys / "audit.key").read_text() == before
    assert len(before.strip()) == 64
