"""Every page of the portal answers the same three accounts the same way: staff and support
people go to their own home, a participant's account with no record of its own reads that it
is not linked yet, and only a participant with a record sees their page; one the policy
refuses is answered 403, the refusal audited, before the page reads anything."""

import uuid

import pytest
from django.urls import resolve, reverse
from django.utils import timezone

from accounts.models import User
from audit.models import AuditEvent, Outcome
from conftest import make_user
from participants.access import uses_portal
from participants.models import Participant

PORTAL_PAGES = [
    reverse("portal:home"),
    reverse("checkins:mine"),
    reverse("safety:mine"),
    reverse("assessments:mine", kwargs={"code": "phq-9"}),
    reverse("assessments:mine_done"),
    reverse("plans:mine"),
    reverse("discharge:mine"),
    reverse("consent:mine"),
]
MADE_UP = uuid.UUID("00000000-0000-4000-8000-000000000001")
# The pages that show the record, each behind `portal_read`: the crisis pages too, whose
# address names an answer.
SHOWING_THE_RECORD = [
    *(u for u in PORTAL_PAGES if u != reverse("assessments:mine_done")),
    reverse("checkins:crisis", kwargs={"checkin": MADE_UP}),
    reverse("assessments:mine_crisis", kwargs={"administration_id": MADE_UP}),
]


@pytest.mark.parametrize("url", PORTAL_PAGES)
def test_staff_are_sent_home(world, login, url):
    Participant.objects.filter(pk=world.referral.pk).update(user=world.therapist)
    response = login(world.therapist).get(url)
    assert response.status_code == 302
    assert response.url == reverse("home")


@pytest.mark.parametrize("url", PORTAL_PAGES)
def test_a_support_person_is_sent_home(world, login, url):
    support = make_user("support_person", kind=User.Kind.SUPPORT)
    response = login(support).get(url)
    assert response.status_code == 302
    assert response.url == reverse("home")


def _answers_not_linked(response) -> None:
    assert response.status_code == 404
    assert response.context["title"] == "No record yet"
    assert "not linked to a record yet. Ask your care team." in response.content.decode()


@pytest.mark.parametrize("url", [u for u in PORTAL_PAGES if u != reverse("assessments:mine_done")])
def test_a_participant_account_with_no_record_reads_that_it_is_not_linked(world, login, url):
    unlinked = make_user("unlinked_participant", kind=User.Kind.PARTICIPANT)
    assert uses_portal(unlinked)
    _answers_not_linked(login(unlinked).get(url))


@pytest.mark.parametrize("url", [u for u in PORTAL_PAGES if u != reverse("assessments:mine_done")])
def test_a_participant_whose_record_was_entered_in_error_reads_the_same(world, login, url):
    Participant.objects.filter(pk=world.participant.pk).update(
        entered_in_error_at=timezone.now(),
        entered_in_error_by=world.director,
        entered_in_error_reason="Duplicate record",
    )
    _answers_not_linked(login(world.participant_user).get(url))


@pytest.mark.parametrize("url", PORTAL_PAGES)
def test_a_participant_with_a_record_sees_their_page(world, login, url):
    assert login(world.participant_user).get(url).status_code == 200


@pytest.mark.parametrize("url", SHOWING_THE_RECORD)
def test_a_participant_the_policy_refuses_is_answered_403_and_the_refusal_audited(world, rf, url):
    # The policy refuses an account that is no longer active, which a session signed in
    # before it was turned off still carries into the request.
    user = world.participant_user
    user.is_active = False
    request = rf.get(url)
    request.user = user
    request.resolver_match = match = resolve(url)
    response = match.func(request, *match.args, **match.kwargs)
    assert response.status_code == 403
    refusal = AuditEvent.objects.get(actor=user)
    assert refusal.outcome == Outcome.REFUSED
    assert refusal.participant_id == world.participant.pk
    assert refusal.details["page"] == match.view_name
