"""The Stanley–Brown safety plan: drafted with the participant, confirmed versions never
change, one tap from the portal home, and shown at once on a critical answer."""

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from safety import selectors, services
from safety.models import SafetyPlan
from tandem.errors import ConcurrentEdit, InvalidInput
from tandem.records import ImmutableRecordError
from tandem.templatetags.clock import day

STEPS = {
    "warning_signs": "Not answering my phone\nStaying in bed all day",
    "internal_coping": "Walk around the block",
    "people_to_ask": "My sister — 555-0142",
    "reasons_for_living": "My daughter",
}
PHQ9_ITEM_9 = {f"item-{i}": "0" for i in range(1, 9)} | {"item-9": "1"}


@pytest.fixture
def program(world):
    world.program.home_questionnaires = ["phq-9"]
    world.program.after_hours_phone = "555-0100"
    world.program.save()
    return world.program


@pytest.fixture
def confirmed(world):
    draft = services.save_draft(
        world.participant, by=world.therapist, steps=STEPS, expected_version=None
    )
    return services.confirm(
        draft, by=world.therapist, expected_version=draft.version, written_with_participant=True
    )


def test_a_confirmed_plan_never_changes_and_the_next_change_is_a_new_version(world, confirmed):
    assert (confirmed.number, confirmed.is_signed) == (1, True)
    confirmed.warning_signs = "changed"
    with pytest.raises(ImmutableRecordError):
        confirmed.save()
    draft = services.save_draft(
        world.participant,
        by=world.therapist,
        steps={"internal_coping": "Walk around the block\nCall my sponsor"},
        expected_version=None,
    )
    assert draft.number == 2
    assert draft.items("warning_signs") == ["Not answering my phone", "Staying in bed all day"]
    assert draft.items("internal_coping") == ["Walk around the block", "Call my sponsor"]
    assert SafetyPlan.objects.get(number=1).internal_coping == "Walk around the block"
    confirmed = selectors.confirmed_plan(world.participant)
    assert confirmed is not None and confirmed.number == 1


def test_a_plan_is_confirmed_only_when_written_with_the_participant(world):
    draft = services.save_draft(
        world.participant, by=world.therapist, steps=STEPS, expected_version=None
    )
    with pytest.raises(InvalidInput) as refused:
        services.confirm(
            draft,
            by=world.therapist,
            expected_version=draft.version,
            written_with_participant=False,
        )
    assert refused.value.field == "written_with_participant"
    assert selectors.confirmed_plan(world.participant) is None


def test_a_draft_saved_from_a_stale_form_is_refused(world):
    draft = services.save_draft(
        world.participant, by=world.therapist, steps=STEPS, expected_version=None
    )
    services.save_draft(
        world.participant, by=world.therapist, steps={"making_safe": "x"}, expected_version=1
    )
    with pytest.raises(ConcurrentEdit):
        services.save_draft(
            world.participant,
            by=world.therapist,
            steps={"making_safe": "y"},
            expected_version=draft.version,
        )


def test_the_portal_home_links_the_plan_and_the_page_shows_the_confirmed_version(
    world, login, program, confirmed
):
    services.save_draft(
        world.participant,
        by=world.therapist,
        steps={"reasons_for_living": "A draft line"},
        expected_version=None,
    )
    client = login(world.participant_user)
    home = client.get(reverse("portal:home")).content.decode()
    assert reverse("safety:mine") in home
    page = client.get(reverse("safety:mine")).content.decode()
    assert "Staying in bed all day" in page and "My daughter" in page
    assert "A draft line" not in page
    assert 'href="tel:988"' in page and "555-0100" in page
    assert AuditEvent.objects.filter(actor=world.participant_user, details__page="safety plan")


def test_a_critical_answer_shows_the_safety_plan_with_the_crisis_lines(
    world, login, program, confirmed
):
    response = login(world.participant_user).post(
        reverse("assessments:mine", args=["phq-9"]), PHQ9_ITEM_9, follow=True
    )
    text = response.content.decode()
    assert "Your care team has been alerted" in text
    assert "Text HOME to 741741" in text
    assert "My safety plan" in text and "Walk around the block" in text


def test_the_staff_tab_drafts_and_confirms(world, login):
    client = login(world.therapist)
    url = reverse("safety:tab", args=[world.participant.public_id])
    assert client.post(url, STEPS).status_code == 302
    draft = selectors.draft_of(world.participant)
    assert draft is not None
    response = client.post(
        reverse("safety:confirm", args=[world.participant.public_id]),
        {"version": draft.version, "number": draft.number, "written_with_participant": "on"},
    )
    assert response.status_code == 302
    page = client.get(url).content.decode()
    confirmed = selectors.confirmed_plan(world.participant)
    assert confirmed is not None and confirmed.signed_at is not None
    on = day(confirmed.signed_at.astimezone(world.program.tz).date())
    assert f"In force: version 1, confirmed by {world.therapist} on {on}</h2>" in page


def test_staff_cannot_open_the_participants_own_page(world, login):
    response = login(world.therapist).get(reverse("safety:mine"))
    assert response.status_code == 302


def _confirm_and_start_another(world, draft) -> SafetyPlan:
    """Someone else confirms the draft a form was opened on and starts the next version,
    which begins again at version 1."""
    services.confirm(
        draft, by=world.nurse, expected_version=draft.version, written_with_participant=True
    )
    return services.save_draft(
        world.participant,
        by=world.nurse,
        steps={"making_safe": "Keys with my sister"},
        expected_version=None,
    )


def test_a_form_opened_on_a_draft_since_confirmed_does_not_save_over_the_next_one(world, login):
    services.save_draft(world.participant, by=world.therapist, steps=STEPS, expected_version=None)
    client = login(world.therapist)
    url = reverse("safety:tab", args=[world.participant.public_id])
    assert 'name="number" value="1"' in client.get(url).content.decode()
    following = _confirm_and_start_another(world, selectors.draft_of(world.participant))
    assert following.version == 1
    response = client.post(url, {**STEPS, "making_safe": "Mine", "version": 1, "number": 1})
    assert response.status_code == 400
    assert "changed by someone else" in response.content.decode()
    following.refresh_from_db()
    assert (following.version, following.making_safe) == (1, "Keys with my sister")


def test_a_confirmation_opened_on_a_draft_since_confirmed_does_not_confirm_the_next_one(
    world, login
):
    services.save_draft(world.participant, by=world.therapist, steps=STEPS, expected_version=None)
    client = login(world.therapist)
    following = _confirm_and_start_another(world, selectors.draft_of(world.participant))
    response = client.post(
        reverse("safety:confirm", args=[world.participant.public_id]),
        {"version": 1, "number": 1, "written_with_participant": "on"},
        follow=True,
    )
    assert "changed by someone else" in response.content.decode()
    following.refresh_from_db()
    assert not following.is_signed
    assert AuditEvent.objects.filter(event_type="safety_plan.confirmed").count() == 1


def test_a_first_plan_form_posted_after_someone_else_confirmed_one_starts_no_version(world, login):
    client = login(world.therapist)
    url = reverse("safety:tab", args=[world.participant.public_id])
    assert 'name="number" value="1"' in client.get(url).content.decode()
    theirs = services.save_draft(
        world.participant, by=world.nurse, steps=STEPS, expected_version=None
    )
    services.confirm(
        theirs, by=world.nurse, expected_version=theirs.version, written_with_participant=True
    )
    response = client.post(url, {"warning_signs": "Mine", "version": "", "number": 1})
    assert response.status_code == 400
    assert "changed by someone else" in response.content.decode()
    assert list(SafetyPlan.objects.values_list("number", flat=True)) == [1]
    assert AuditEvent.objects.filter(event_type="safety_plan.drafted").count() == 1


def test_the_staff_tab_names_the_plan_in_force_as_the_participants_view(world, login, confirmed):
    """The staff tab shows the participant's copy under a heading in the staff's words, not
    the participant's own "My safety plan"."""
    url = reverse("safety:tab", args=[world.participant.public_id])
    page = login(world.therapist).get(url).content.decode()
    assert ">As the participant sees it on their portal</h2>" in page
    assert "My safety plan" not in page


def test_a_closed_chart_shows_the_plan_without_a_draft_form(world, login, confirmed):
    """After discharge the plan in force is still read; no "Start version 2" form is offered
    that would only end on a refusal page."""
    from discharge.tests.builders import discharge_world

    discharge_world(world)
    url = reverse("safety:tab", args=[world.participant.public_id])
    page = login(world.therapist).get(url).content.decode()
    assert "In force: version 1" in page
    assert "Start version 2" not in page and "Save draft" not in page
