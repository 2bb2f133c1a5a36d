"""Two people (or two tabs) starting a participant's safety plan at once: the second is told
someone else started it and shown that draft, with nothing of theirs written and no 500."""

import pytest
from django.db import connection
from django.urls import reverse

from audit.models import AuditEvent
from safety import selectors, services
from safety.models import SafetyPlan
from tandem.errors import ConcurrentEdit
from tests.concurrency import DONE, at_the_same_moment

THEIRS = {"warning_signs": "Pacing at night", "people_to_ask": "My sister"}
MINE = {"warning_signs": "Skipping meals", "internal_coping": "Music"}
STARTED = "Someone else started this safety plan"


def _drafted_events(participant) -> int:
    return AuditEvent.objects.filter(
        participant=participant, event_type="safety_plan.drafted"
    ).count()


@pytest.mark.django_db
def test_a_second_first_draft_is_refused_naming_the_draft_someone_else_started(world):
    services.save_draft(world.participant, by=world.therapist, steps=THEIRS, expected_version=None)
    with pytest.raises(ConcurrentEdit) as refused:
        services.save_draft(world.participant, by=world.nurse, steps=MINE, expected_version=None)
    assert (
        refused.value.message
        == str(refused.value)
        == (
            "Someone else started this safety plan (draft version 1) after you opened the form. "
            "Here is their draft: add your changes to it and save again."
        )
    )
    draft = selectors.draft_of(world.participant)
    assert draft is not None and (draft.number, draft.version) == (1, 1)
    assert draft.warning_signs == "Pacing at night" and draft.internal_coping == ""
    assert SafetyPlan.objects.filter(participant=world.participant).count() == 1
    assert _drafted_events(world.participant) == 1


@pytest.mark.django_db
def test_the_tab_shows_their_draft_to_edit_and_what_the_second_person_wrote(world, login):
    url = reverse("safety:tab", args=[world.participant.public_id])
    first, second = login(world.therapist), login(world.nurse)
    assert second.get(url).status_code == 200
    assert first.post(url, {**THEIRS, "version": ""}).status_code == 302
    response = second.post(url, {**MINE, "version": ""})
    page = response.content.decode()
    assert response.status_code == 409
    assert STARTED in page
    assert "Pacing at night</textarea>" in page and 'name="version" value="1"' in page
    assert "What you wrote (not saved)" in page and "Skipping meals" in page
    draft = selectors.draft_of(world.participant)
    assert draft is not None and draft.warning_signs == "Pacing at night"
    assert _drafted_events(world.participant) == 1


@pytest.mark.django_db
def test_the_refusal_that_shows_their_draft_is_audited_as_a_read_of_the_chart(world, login):
    url = reverse("safety:tab", args=[world.participant.public_id])
    first, second = login(world.therapist), login(world.nurse)
    assert first.post(url, {**THEIRS, "version": ""}).status_code == 302
    before = AuditEvent.objects.filter(actor=world.nurse, participant=world.participant).count()
    assert second.post(url, {**MINE, "version": ""}).status_code == 409
    shown = AuditEvent.objects.filter(
        actor=world.nurse, participant=world.participant, details__method="POST"
    )
    assert shown.count() == 1
    assert shown.get().details["page"] == "safety:tab"
    assert (
        AuditEvent.objects.filter(actor=world.nurse, participant=world.participant).count()
        == before + 1
    )


@pytest.mark.django_db(transaction=True)
def test_two_first_drafts_saved_at_the_same_moment_store_one(world):
    """The first save holds its transaction open until the second is waiting on it."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite's in-memory test database cannot take writers from several threads")
    first, second = at_the_same_moment(
        lambda: services.save_draft(
            world.participant, by=world.therapist, steps=THEIRS, expected_version=None
        ),
        lambda: services.save_draft(
            world.participant, by=world.nurse, steps=MINE, expected_version=None
        ),
    )
    assert first == DONE
    assert second.startswith(STARTED)
    assert SafetyPlan.objects.filter(participant=world.participant).count() == 1
    assert _drafted_events(world.participant) == 1
