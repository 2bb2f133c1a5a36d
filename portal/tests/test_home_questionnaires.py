"""Self-report at home: due questionnaires on the portal home, and a crisis page at once."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership
from assessments.models import Administration
from assessments.selectors import due_home_questionnaires
from assessments.services import record_administration
from monitoring.models import Alert
from participants.models import CareTeamMember, Episode

PHQ9_ITEM_9 = {f"item-{i}": "0" for i in range(1, 9)} | {"item-9": "1"}
PHQ9_CALM = {f"item-{i}": "0" for i in range(1, 10)}


@pytest.fixture
def program(world):
    world.program.home_questionnaires = ["phq-9", "gad-7"]
    world.program.home_questionnaire_interval_days = 14
    world.program.after_hours_phone = "555-0100"
    world.program.save()
    return world.program


def test_due_questionnaires_are_linked_from_the_portal_home(world, login, program):
    page = login(world.participant_user).get(reverse("portal:home")).content.decode()
    assert "Questionnaires for you" in page
    assert reverse("assessments:mine", args=["phq-9"]) in page
    assert reverse("assessments:mine", args=["gad-7"]) in page
    assert ">How you have been feeling (PHQ-9)</a>" in page
    assert ">Worry and nerves (GAD-7)</a>" in page
    assert "Generalized Anxiety Disorder" not in page


def test_a_questionnaire_answered_within_the_interval_is_not_due(world, program):
    now = timezone.now()
    record_administration(
        world.participant,
        code="phq-9",
        answers={str(i): 0 for i in range(1, 10)},
        mode="self-report",
        by=world.participant_user,
        completed_at=now - timedelta(days=3),
    )
    assert [i.code for i in due_home_questionnaires(world.participant, program, now=now)] == [
        "gad-7"
    ]
    later = now + timedelta(days=12)
    assert [i.code for i in due_home_questionnaires(world.participant, program, now=later)] == [
        "phq-9",
        "gad-7",
    ]


def test_a_critical_answer_shows_the_crisis_page_at_once_and_alerts_the_primary(
    world, login, program
):
    client = login(world.participant_user)
    response = client.post(reverse("assessments:mine", args=["phq-9"]), PHQ9_ITEM_9, follow=True)
    text = response.content.decode()
    assert response.status_code == 200
    assert "988" in text and "call or text" in text.lower()
    assert "Text HOME to 741741" in text
    assert "911" in text
    assert "555-0100" in text
    assert "Your care team has been alerted" in text
    alert = Alert.objects.get(participant=world.participant, kind="suicide-risk")
    assert (alert.severity, list(alert.assigned_to.all())) == ("critical", [world.therapist])


def test_a_calm_answer_ends_on_the_thank_you_page(world, login, program):
    client = login(world.participant_user)
    response = client.post(reverse("assessments:mine", args=["phq-9"]), PHQ9_CALM)
    assert response.status_code == 302
    assert response["Location"] == reverse("assessments:mine_done")
    assert Administration.objects.filter(participant=world.participant).count() == 1
    assert not Alert.objects.exists()


def test_with_no_one_on_the_case_the_alert_reaches_the_program_leads_and_says_so(
    world, login, program
):
    CareTeamMember.objects.filter(episode=world.episode).delete()
    Episode.objects.filter(pk=world.episode.pk).update(primary_clinician=None)
    client = login(world.participant_user)
    text = client.post(
        reverse("assessments:mine", args=["phq-9"]), PHQ9_ITEM_9, follow=True
    ).content.decode()
    alert = Alert.objects.get(participant=world.participant, kind="suicide-risk")
    assert set(alert.assigned_to.all()) == {world.director, world.supervisor}
    assert "Your care team has been alerted" not in text
    assert "clinical leads have been alerted" in text


def test_when_no_one_at_all_can_be_alerted_the_page_does_not_claim_it(world, login, program):
    CareTeamMember.objects.filter(episode=world.episode).delete()
    Episode.objects.filter(pk=world.episode.pk).update(primary_clinician=None)
    Membership.objects.filter(user__in=[world.director, world.supervisor]).update(is_active=False)
    client = login(world.participant_user)
    text = client.post(
        reverse("assessments:mine", args=["phq-9"]), PHQ9_ITEM_9, follow=True
    ).content.decode()
    assert "has been alerted" not in text
    assert "please reach someone now" in text
    assert "988" in text
