"""The demo's notes: synthetic, signed group and individual notes, safe to seed twice."""

import pytest
from django.core.management import call_command

from notes.models import AbsenceEntry, GroupNote, ProgressNote

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
