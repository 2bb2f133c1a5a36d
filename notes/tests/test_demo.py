"""The demo's notes: synthetic, signed group and individual notes, safe to seed twice."""

from datetime import UTC, datetime

import pytest
import time_machine
from django.core.management import call_command

from notes.models import AbsenceEntry, CoSignature, GroupNote, ProgressNote

pytestmark = pytest.mark.usefixtures("demo_mode")


def test_the_demo_has_group_and_individual_notes_and_is_idempotent(db):
    call_command("seed_demo", "--participants", "30")
    counts = (GroupNote.objects.count(), ProgressNote.objects.count())
    assert counts[0] > 0 and ProgressNote.objects.filter(kind="individual").exists()
    assert ProgressNote.objects.filter(kind="group", signed_at__isnull=False).exists()
    assert AbsenceEntry.objects.exists()
    assert all("Synthetic" in n.text for n in ProgressNote.objects.filter(kind="group"))
    call_command("seed_demo", "--participants", "30")
    assert (GroupNote.objects.count(), ProgressNote.objects.count()) == counts


def test_no_demo_note_is_signed_after_the_moment_the_demo_was_made(db):
    """A group that ended this morning has its notes signed by now at the latest, so the
    supervisor's board never shows a signature dated tomorrow."""
    moment = datetime(2026, 12, 5, 20, 0, tzinfo=UTC)  # a Saturday, 14:00 in Chicago
    with time_machine.travel(moment, tick=False):
        call_command("seed_demo", "--participants", "30", "--quiet-logins")
    assert GroupNote.objects.filter(signed_at__lte=moment).exists()
    assert not GroupNote.objects.filter(signed_at__gt=moment).exists()
    assert not ProgressNote.objects.filter(signed_at__gt=moment).exists()
    assert not CoSignature.objects.filter(recorded_at__gt=moment).exists()
