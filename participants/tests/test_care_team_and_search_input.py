"""Care-team and search input that used to crash (500) now gets a message and writes nothing."""

import pytest
from django.urls import reverse

from audit.models import Action, AuditEvent
from participants.forms import SEARCH_TEXT_LIMIT
from participants.models import CareTeamMember


@pytest.mark.parametrize("user", ["abc", "1e5", "", "99999999999999999999999", "-1"])
def test_adding_to_the_care_team_with_an_unreadable_staff_id_gets_a_message(world, login, user):
    client = login(world.director)
    members = CareTeamMember.objects.count()
    response = client.post(
        reverse("participants:care_team_add", args=[world.participant.public_id]),
        {"user": user, "role": "therapist"},
        follow=True,
    )
    assert response.status_code == 200
    assert "Staff member: " in response.content.decode()
    assert CareTeamMember.objects.count() == members


def test_staff_of_another_organization_cannot_be_added_to_the_care_team(world, login):
    client = login(world.director)
    members = CareTeamMember.objects.count()
    client.post(
        reverse("participants:care_team_add", args=[world.participant.public_id]),
        {"user": world.stranger.pk, "role": "therapist"},
    )
    assert CareTeamMember.objects.count() == members


def test_a_search_longer_than_the_limit_is_refused_with_a_message(world, login):
    client = login(world.therapist)
    searches = AuditEvent.objects.filter(action=Action.SEARCH).count()
    response = client.post(reverse("participants:search"), {"text": "x" * 50_001})
    assert response.status_code == 400
    assert f"Search for at most {SEARCH_TEXT_LIMIT} characters." in response.content.decode()
    assert AuditEvent.objects.filter(action=Action.SEARCH).count() == searches


def test_a_search_at_the_limit_still_runs(world, login):
    client = login(world.therapist)
    text = ("Testperson " * SEARCH_TEXT_LIMIT)[:SEARCH_TEXT_LIMIT]
    response = client.post(reverse("participants:search"), {"text": text})
    assert response.status_code == 200
    assert "Testperson" in response.content.decode()
