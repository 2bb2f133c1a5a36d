"""What a support person may see: only while a Part 2 consent naming them is in force, only the
categories it shares; their page through the real client, its audit event and notice."""

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
import time_machine
from django.urls import reverse

from accounts.models import User
from attendance.tests.builders import enrol, make_session
from audit.models import AuditEvent
from conftest import make_user
from consent.services import record_consent, revoke_consent
from family.models import Sharing
from family.services import add_support_person, link_login, record_sharing
from participants.access import shared_with_support
from participants.export import REDISCLOSURE_NOTICE
from tandem.errors import InvalidInput

NOW = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)
TODAY = date(2026, 11, 20)
PART2: dict[str, Any] = {
    "kind": "part2",
    "discloser": "Adult IOP",
    "information": "My session times and attendance",
    "parts": ["attendance"],
    "recipients": "Dana Example, my sister",
    "purpose": "At my request",
    "expiry": "end_of_treatment",
    "signed_on": date(2026, 9, 8),
}


@pytest.fixture
def family(world):
    """A sister with a sign-in, named as a support, and a Part 2 consent naming her."""
    person = add_support_person(
        world.participant, by=world.therapist, name="Dana Example", relationship="sister"
    )
    account = make_user("sister", kind=User.Kind.SUPPORT)
    link_login(person, account, by=world.therapist)
    consent = record_consent(world.participant, by=world.therapist, now=NOW, **PART2)
    return person, account, consent


def test_nothing_is_shared_without_a_consent_recorded_as_sharing(world, family):
    _person, account, _consent = family
    assert shared_with_support(account, today=TODAY) == {}


def test_a_consent_in_force_shares_only_its_categories(world, family):
    person, account, consent = family
    record_sharing(person, consent, by=world.therapist, schedule=True, attendance=True, now=NOW)
    assert shared_with_support(account, today=TODAY) == {
        world.participant.pk: frozenset({"schedule", "attendance"})
    }
    assert AuditEvent.objects.get(event_type="support_person.shared").details["categories"] == [
        "attendance",
        "schedule",
    ]
    # Nobody else gets it: the care team's own account, the participant's, another support person.
    other = make_user("neighbour", kind=User.Kind.SUPPORT)
    for user in (world.therapist, world.participant_user, other):
        assert shared_with_support(user, today=TODAY) == {}


def test_a_revocation_ends_it_from_its_day(world, family):
    person, account, consent = family
    record_sharing(person, consent, by=world.therapist, contact=True, now=NOW)
    revoke_consent(
        consent, by=world.therapist, revoked_on=TODAY, received="paper", expected_version=1, now=NOW
    )
    assert shared_with_support(account, today=TODAY) == {}
    assert shared_with_support(account, today=TODAY - timedelta(days=1)) != {}


def test_an_expiry_ends_it_the_day_after(world):
    person = add_support_person(
        world.participant, by=world.therapist, name="Dana Example", relationship="sister"
    )
    account = make_user("sister", kind=User.Kind.SUPPORT)
    link_login(person, account, by=world.therapist)
    consent = record_consent(
        world.participant,
        by=world.therapist,
        now=NOW,
        **(PART2 | {"expiry": "date", "expires_on": date(2026, 11, 30)}),
    )
    record_sharing(person, consent, by=world.therapist, schedule=True, now=NOW)
    assert shared_with_support(account, today=date(2026, 11, 30)) != {}
    assert shared_with_support(account, today=date(2026, 12, 1)) == {}


def test_a_sharing_needs_a_category_and_a_part2_consent_in_force(world, family):
    person, _account, consent = family
    with pytest.raises(InvalidInput):
        record_sharing(person, consent, by=world.therapist, now=NOW)
    treatment = record_consent(
        world.participant, by=world.therapist, kind="treatment", signed_on=date(2026, 9, 8)
    )
    with pytest.raises(InvalidInput):
        record_sharing(person, treatment, by=world.therapist, schedule=True, now=NOW)
    revoke_consent(
        consent, by=world.therapist, revoked_on=TODAY, received="paper", expected_version=1, now=NOW
    )
    with pytest.raises(InvalidInput):
        record_sharing(person, consent, by=world.therapist, schedule=True, now=NOW)
    assert not Sharing.objects.exists()


@pytest.mark.parametrize(
    "changes",
    [
        {"recipients": "Sam Other, my cousin"},
        {"tpo": True, "recipients": "My treating providers, health plans and payers"},
    ],
    ids=["names someone else", "a TPO consent"],
)
def test_a_sharing_needs_a_consent_naming_the_support_person(world, family, changes):
    person, _account, _consent = family
    other = record_consent(world.participant, by=world.therapist, now=NOW, **(PART2 | changes))
    with pytest.raises(InvalidInput, match="record a Part 2 consent that names them"):
        record_sharing(person, other, by=world.therapist, schedule=True, now=NOW)
    assert not Sharing.objects.exists()


def test_the_consent_may_name_them_in_its_own_spacing_and_case(world, family):
    person, _account, _consent = family
    named = record_consent(
        world.participant,
        by=world.therapist,
        now=NOW,
        **(PART2 | {"recipients": "my sister  DANA   example"}),
    )
    assert (
        record_sharing(person, named, by=world.therapist, schedule=True, now=NOW).consent == named
    )


def test_only_a_support_persons_account_is_linked_once(world, family):
    person, account, _consent = family
    with pytest.raises(InvalidInput):
        link_login(person, make_user("another", kind=User.Kind.SUPPORT), by=world.therapist)
    second = add_support_person(
        world.participant, by=world.therapist, name="Sam Example", relationship="brother"
    )
    with pytest.raises(InvalidInput):
        link_login(second, world.outsider, by=world.therapist)
    with pytest.raises(InvalidInput):
        link_login(second, account, by=world.therapist)


def test_the_support_persons_page_shows_only_what_is_shared(world, family, login):
    person, account, consent = family
    client = login(world.therapist)
    tab = reverse("family:tab", args=[world.participant.public_id])
    share = reverse("family:share", args=[world.participant.public_id, person.public_id])
    assert "Record what a consent shares" in client.get(tab).content.decode()
    sent = {"consent": str(consent.public_id), "attendance": "on", "contact": "on"}
    assert client.post(share, sent).status_code == 302
    assert "shared while it is in force" in client.get(tab).content.decode()

    client = login(account)
    assert client.get("/").url == reverse("family:home")
    home = reverse("family:home")
    text = client.get(home).content.decode()
    assert world.participant.legal_first_name in text
    assert "This week" in text and "How to reach the team" in text
    assert "No sessions attended yet this week." in text and "0 minutes" not in text
    assert "Upcoming sessions" not in text
    assert REDISCLOSURE_NOTICE in text
    event = AuditEvent.objects.filter(event_type="support_person.page_viewed").get()
    assert event.actor_id == account.pk
    assert event.details["participants"] == [str(world.participant.public_id)]

    # The chart and the tabs are not theirs: refused, the record not shown.
    for page in (reverse("participants:chart", args=[world.participant.public_id]), tab):
        refused = client.get(page)
        assert refused.status_code == 403
        assert world.participant.legal_last_name not in refused.content.decode()
    assert client.get(reverse("portal:home")).url == reverse("home")

    revoke_consent(
        consent, by=world.therapist, revoked_on=TODAY, received="paper", expected_version=1, now=NOW
    )
    text = client.get(home).content.decode()
    assert "Nothing is shared with you right now." in text
    assert world.participant.legal_first_name not in text
    assert AuditEvent.objects.filter(event_type="support_person.page_viewed").count() == 1


def test_the_page_is_a_support_persons_only(world, login):
    client = login(world.therapist)
    assert client.get(reverse("family:home")).url == reverse("home")


def test_session_times_read_as_on_the_participants_own_pages(world, family, login):
    """A support person reads "1:30 PM CST", the portal's 12-hour clock with the zone named."""
    person, account, consent = family
    record_sharing(person, consent, by=world.therapist, schedule=True, now=NOW)
    session = make_session(world.program, date(2026, 11, 23), start=time(13, 30), minutes=180)
    enrol(session, world.episode)

    with time_machine.travel(NOW, tick=False):
        text = login(account).get(reverse("family:home")).content.decode()

    assert "Mon 23 Nov 2026, 1:30 PM CST to 4:30 PM" in text
