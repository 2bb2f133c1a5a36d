"""The copy-forward check: the measure (hypothesis) and the flag before signing."""

from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from audit.models import AuditEvent
from notes import services, similarity
from notes.tests.conftest import NOW, dap
from tandem.errors import InvalidInput

words = st.lists(st.sampled_from(["slept", "well", "urge", "craving", "work", "family", "walk"]))
texts = st.text(max_size=200)


@given(texts, texts)
def test_the_measure_is_between_zero_and_one_and_symmetric(a, b):
    ratio = similarity.similarity(a, b)
    assert 0.0 <= ratio <= 1.0
    assert ratio == similarity.similarity(b, a)


@given(words.filter(bool))
def test_case_punctuation_and_spacing_never_hide_a_copy(ws):
    text = " ".join(ws)
    disguised = "  " + ",  ".join(w.upper() for w in ws) + "!"
    assert similarity.similarity(text, disguised) == 1.0
    assert similarity.is_copied_forward(similarity.similarity(text, disguised))


@given(words.filter(lambda ws: len(ws) >= 20), st.integers(0, 19))
def test_one_word_changed_in_twenty_is_still_flagged(ws, at):
    changed = list(ws)
    changed[at] = "zzzzzz"
    assert similarity.similarity(" ".join(ws), " ".join(changed)) >= 0.75


def test_different_notes_are_not_flagged():
    assert not similarity.is_copied_forward(
        similarity.similarity(
            "Discussed a relapse on Saturday and made a plan for the weekend.",
            "Reviewed medication side effects; sleep is better since the dose change.",
        )
    )


def test_empty_texts_are_not_copies():
    assert similarity.similarity("", "") == 0.0


def _signed(world, text, *, by=None, participant=None, days=0):
    by = by or world.therapist
    written = NOW - timedelta(days=10 - days)
    note = services.draft_note(
        participant or world.participant,
        dap(text, service_date=written.date()),
        by=by,
        now=written,
    )
    return services.sign_note(note, by=by, expected_version=1, justification="x" * 5)


TEXT = "Reported two cravings this week and used urge surfing both times; slept six hours."


def test_a_near_copy_of_a_recent_note_needs_a_justification_which_is_stored_and_audited(world):
    earlier = _signed(world, TEXT)
    note = services.draft_note(world.participant, dap(TEXT + " "), by=world.therapist, now=NOW)
    with pytest.raises(InvalidInput) as refused:
        services.sign_note(note, by=world.therapist, expected_version=1)
    assert refused.value.field == "justification"
    signed = services.sign_note(
        note, by=world.therapist, expected_version=1, justification="Same week, same plan"
    )
    assert signed.similar_to_id == earlier.pk
    assert signed.similarity is not None and signed.similarity >= 0.9
    assert signed.copy_forward_justification == "Same week, same plan"
    event = AuditEvent.objects.get(event_type="note.copy_forward_justified")
    assert event.reason == "Same week, same plan"


def test_only_the_same_authors_last_five_notes_for_the_same_participant_count(world):
    from attendance.tests.builders import active_participant

    other = active_participant(world, "T-000777", "Avery", "Other").participant
    _signed(world, TEXT, by=world.counsellor)  # another author
    _signed(world, TEXT, participant=other)  # another participant
    _signed(world, TEXT, days=0)  # sixth from last
    for day in range(1, 6):
        _signed(world, f"Entirely different session number {day} about family work.", days=day)
    note = services.draft_note(world.participant, dap(TEXT), by=world.therapist, now=NOW)
    signed = services.sign_note(note, by=world.therapist, expected_version=1)
    assert signed.similar_to_id is None
    assert signed.similarity is not None and signed.similarity < 0.9
