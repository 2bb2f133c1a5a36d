"""The demo's notes: synthetic, signed group and individual notes, safe to seed twice."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.test import override_settings

from accounts.models import User
from conftest import shared_transaction
from notes.models import AbsenceEntry, CoSignature, GroupNote, ProgressNote
from notes.selectors import sessions_needing_a_note, sessions_without_note
from notes.session_notes import has_its_note
from scheduling.models import Session

pytestmark = pytest.mark.usefixtures("demo_mode")

# A Saturday, 14:00 in Chicago: a group that ended this morning has its notes signed by now.
MOMENT = datetime(2026, 12, 5, 20, 0, tzinfo=UTC)


@pytest.fixture(scope="class")
def seeded_at_the_moment(django_db_setup, django_db_blocker):
    """The demo seeded once at `MOMENT` for the tests of `TestTheDemoSeededOnASaturday`, which
    only read it (its transaction ends with the class)."""
    with shared_transaction(django_db_blocker), override_settings(TANDEM_DEMO=True):
        with time_machine.travel(MOMENT, tick=False):
            call_command("seed_demo", "--participants", "30", "--quiet-logins")
        yield


def test_the_demo_has_group_and_individual_notes_and_is_idempotent(db):
    call_command("seed_demo", "--participants", "30")
    counts = (GroupNote.objects.count(), ProgressNote.objects.count())
    assert counts[0] > 0 and ProgressNote.objects.filter(kind="individual").exists()
    assert ProgressNote.objects.filter(kind="group", signed_at__isnull=False).exists()
    assert AbsenceEntry.objects.exists()
    assert all("Synthetic" in n.text for n in ProgressNote.objects.filter(kind="group"))
    call_command("seed_demo", "--participants", "30")
    assert (GroupNote.objects.count(), ProgressNote.objects.count()) == counts


@pytest.mark.usefixtures("seeded_at_the_moment")
class TestTheDemoSeededOnASaturday:
    def test_no_demo_note_is_signed_after_the_moment_the_demo_was_made(self, db):
        """A group that ended this morning has its notes signed by now at the latest, so the
        supervisor's board never shows a signature dated tomorrow."""
        moment = MOMENT
        assert GroupNote.objects.filter(signed_at__lte=moment).exists()
        assert not GroupNote.objects.filter(signed_at__gt=moment).exists()
        assert not ProgressNote.objects.filter(signed_at__gt=moment).exists()
        assert not CoSignature.objects.filter(recorded_at__gt=moment).exists()

    def test_each_individual_session_has_its_note_by_whoever_held_it_with_a_few_exceptions(
        self, db
    ):
        """As in a program that keeps up: the note of an individual session is written by the
        one who held it, and the supervisor's board lists only a few sessions still without
        their note, each with who led it."""
        moment = MOMENT
        notes = ProgressNote.objects.filter(kind="individual").select_related("session")
        assert notes.exists()
        for note in notes.prefetch_related("session__staff"):
            assert note.session is not None
            assert [u.pk for u in note.session.staff.all()] == [note.recorded_by_id]
            assert note.service_date == note.session.date
        held = Session.objects.filter(
            kind=Session.Kind.INDIVIDUAL,
            ends_at__lte=moment,
            ends_at__gte=moment - timedelta(days=14),
            enrolments__isnull=False,
        ).distinct()
        missing = list(sessions_needing_a_note(held, now=moment))
        assert len(missing) <= held.count() // 6
        unwritten = list(sessions_without_note(User.objects.get(username="supervisor"), now=moment))
        assert unwritten and all(s.staff.all() for s in unwritten)
        # Every session's stored fact is what its notes say (the demo writes them in bulk).
        stored = dict(Session.objects.values_list("pk", "has_its_note"))
        assert stored == dict(Session.objects.values_list("pk", has_its_note()))
        assert any(stored.values()) and not all(stored.values())
