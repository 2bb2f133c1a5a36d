"""Confirm saves what the boxes above it say: the words confirmed with the participant are the
words typed with them, never an older saved draft, and a concurrent edit is still refused."""

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from safety import selectors, services
from safety.models import SafetyPlan
from tandem.errors import ConcurrentEdit, InvalidInput

STEPS = {"warning_signs": "Staying in bed all day", "people_to_ask": "My sister — 555-0142"}


@pytest.fixture
def draft(world):
    return services.save_draft(
        world.participant, by=world.therapist, steps=STEPS, expected_version=None
    )


def _events(kind: str) -> int:
    return AuditEvent.objects.filter(event_type=f"safety_plan.{kind}").count()


def test_edits_typed_before_confirming_are_saved_and_confirmed_together(world, draft):
    plan = services.confirm_as_written(
        draft,
        by=world.therapist,
        steps={**STEPS, "making_safe": "  Keys with my sister  \n\n"},
        expected_version=draft.version,
        written_with_participant=True,
    )
    assert plan.is_signed and plan.making_safe == "Keys with my sister"
    confirmed = selectors.confirmed_plan(world.participant)
    assert confirmed is not None and confirmed.making_safe == "Keys with my sister"
    assert (_events("drafted"), _events("confirmed")) == (2, 1)


def test_unchanged_boxes_confirm_without_writing_another_draft(world, draft):
    services.confirm_as_written(
        draft,
        by=world.therapist,
        steps=STEPS,
        expected_version=draft.version,
        written_with_participant=True,
    )
    assert (_events("drafted"), _events("confirmed")) == (1, 1)


def test_edits_on_a_draft_someone_else_changed_are_refused_and_nothing_is_written(world, draft):
    services.save_draft(
        world.participant,
        by=world.nurse,
        steps={"making_safe": "Theirs"},
        expected_version=draft.version,
    )
    with pytest.raises(ConcurrentEdit):
        services.confirm_as_written(
            draft,
            by=world.therapist,
            steps={**STEPS, "making_safe": "Mine"},
            expected_version=draft.version,
            written_with_participant=True,
        )
    theirs = SafetyPlan.objects.get()
    assert (theirs.making_safe, theirs.is_signed) == ("Theirs", False)
    assert _events("confirmed") == 0


def test_a_refused_confirmation_does_not_keep_the_edits_either(world, draft):
    with pytest.raises(InvalidInput):
        services.confirm_as_written(
            draft,
            by=world.therapist,
            steps={**STEPS, "making_safe": "Mine"},
            expected_version=draft.version,
            written_with_participant=False,
        )
    draft.refresh_from_db()
    assert (draft.making_safe, draft.version, draft.is_signed) == ("", 1, False)
    assert _events("drafted") == 1


def test_the_tab_confirms_the_words_in_the_boxes(world, login, draft):
    client = login(world.therapist)
    url = reverse("safety:tab", args=[world.participant.public_id])
    page = client.get(url).content.decode()
    confirm_url = reverse("safety:confirm", args=[world.participant.public_id])
    form = page[page.index('<form method="post">') :]
    form = form[: form.index("</form>")]
    assert 'name="making_safe"' in form and f'formaction="{confirm_url}"' in form
    assert "save the draft first" not in page
    posted = {**STEPS, "making_safe": "Keys with my sister", "version": 1, "number": 1}
    response = client.post(confirm_url, {**posted, "written_with_participant": "on"})
    assert response.status_code == 302
    confirmed = selectors.confirmed_plan(world.participant)
    assert confirmed is not None and confirmed.making_safe == "Keys with my sister"


def test_the_tab_keeps_the_typed_words_when_confirming_is_refused(world, login, draft):
    client = login(world.therapist)
    confirm_url = reverse("safety:confirm", args=[world.participant.public_id])
    posted = {**STEPS, "making_safe": "Keys with my sister", "version": 1, "number": 1}
    response = client.post(confirm_url, posted)
    assert response.status_code == 400
    page = response.content.decode()
    assert "A safety plan is written with the participant: confirm that it was." in page
    assert "Keys with my sister</textarea>" in page
    services.save_draft(
        world.participant, by=world.nurse, steps={"making_safe": "Theirs"}, expected_version=1
    )
    response = client.post(confirm_url, {**posted, "written_with_participant": "on"})
    assert response.status_code == 409
    page = response.content.decode()
    assert "changed by someone else" in page and "What you wrote (not saved)" in page
    assert "Keys with my sister" in page and "Theirs</textarea>" in page
    assert selectors.confirmed_plan(world.participant) is None
