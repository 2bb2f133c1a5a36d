"""A consent that expires on an event or condition the form states ("when my probation ends"):
refused without its words, in force until a clinician marks the event as happened, expired from
that day everywhere its status is read (the tab, the API, copies of the record, a support
person's sharing), the marking audited and refused to roles that do not record consents."""

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from django.urls import reverse

from accounts.models import User
from audit.models import AuditEvent
from conftest import make_user
from consent import selectors
from consent.models import Consent, ConsentStatus, Disclosure
from consent.services import disclose_record, mark_expiry_event, record_consent, revoke_consent
from family.services import add_support_person, link_login, record_sharing
from participants.access import shared_with_support
from tandem.errors import AccessDenied, ConcurrentEdit, InvalidInput

NOW = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)
TODAY = date(2026, 11, 20)
EVENT = "when my probation ends"
PART2: dict[str, Any] = {
    "kind": "part2",
    "discloser": "Riverside IOP",
    "information": "My session times and attendance",
    "parts": ["attendance"],
    "recipients": "Dana Example, my sister; Officer B. Example, county probation",
    "purpose": "At my request",
    "expiry": "event",
    "expiry_event": EVENT,
    "signed_on": date(2026, 9, 8),
}


def part2(world, **changes):
    return record_consent(world.participant, by=world.therapist, now=NOW, **(PART2 | changes))


def mark(world, consent, happened_on=date(2026, 11, 18), *, by=None, version=1):
    return mark_expiry_event(
        consent,
        by=by or world.therapist,
        happened_on=happened_on,
        expected_version=version,
        now=NOW,
    )


def test_an_event_expiry_without_its_words_is_refused_and_nothing_written(world):
    with pytest.raises(InvalidInput) as refused:
        part2(world, expiry_event="   ")
    assert refused.value.field == "expiry_event"
    assert refused.value.message.startswith("Say the event or condition the consent expires on")
    with pytest.raises(InvalidInput) as stray:
        part2(world, expiry="end_of_treatment")
    assert stray.value.field == "expiry_event"
    assert not Consent.objects.exists()
    assert not AuditEvent.objects.filter(event_type="consent.recorded").exists()


def test_the_tab_refuses_an_event_expiry_without_its_words(world, login):
    client = login(world.therapist)
    sent = {k: v for k, v in PART2.items() if k != "expiry_event"} | {"signer": "participant"}
    response = client.post(reverse("consent:tab", args=[world.participant.public_id]), sent)
    assert response.status_code == 400
    assert "Say the event or condition the consent expires on" in response.content.decode()
    assert not Consent.objects.exists()


def test_in_force_until_the_event_is_marked_then_expired_from_its_day(world):
    consent = part2(world)
    assert consent.status_on(date(2027, 6, 1)) == ConsentStatus.IN_FORCE
    assert consent.ends_on is None
    marked = mark(world, consent)
    assert (marked.event_happened_on, marked.event_marked_by, marked.version) == (
        date(2026, 11, 18),
        world.therapist,
        2,
    )
    row = Consent.objects.get(pk=consent.pk)
    assert row.ends_on == date(2026, 11, 17)
    assert row.status_on(date(2026, 11, 17)) == ConsentStatus.IN_FORCE
    assert row.status_on(date(2026, 11, 18)) == ConsentStatus.EXPIRED
    assert not row.in_force_on(TODAY)
    [listed] = selectors.consents_for(world.participant, TODAY)
    assert listed.status == ConsentStatus.EXPIRED

    event = AuditEvent.objects.get(event_type="consent.expiry_event_marked")
    assert (event.participant_id, event.actor_id) == (world.participant.pk, world.therapist.pk)
    assert event.details["changes"] == {
        "event_happened_on": {"before": None, "after": "2026-11-18"}
    }


def test_marking_is_refused_when_it_cannot_be_true_or_was_done(world):
    consent = part2(world)
    for happened_on, field in ((None, "happened_on"), (TODAY + timedelta(days=1), "happened_on")):
        with pytest.raises(InvalidInput) as refused:
            mark(world, consent, happened_on)
        assert refused.value.field == field
    with pytest.raises(InvalidInput, match="before the consent was signed"):
        mark(world, consent, date(2026, 9, 7))
    with pytest.raises(ConcurrentEdit):
        mark(world, consent, version=7)
    dated = part2(world, expiry="date", expires_on=date(2026, 12, 31), expiry_event="")
    with pytest.raises(InvalidInput, match="does not expire on an event"):
        mark(world, dated)
    assert Consent.objects.filter(event_happened_on__isnull=False).count() == 0
    mark(world, consent)
    with pytest.raises(InvalidInput, match="already marked"):
        mark(world, consent, version=2)
    revoked = part2(world)
    revoke_consent(
        revoked, by=world.therapist, revoked_on=TODAY, received="paper", expected_version=1, now=NOW
    )
    with pytest.raises(InvalidInput, match="already revoked"):
        mark(world, revoked, version=2)
    assert AuditEvent.objects.filter(event_type="consent.expiry_event_marked").count() == 1


@pytest.mark.parametrize("role", ["peer", "frontdesk", "billing", "auditor", "stranger"])
def test_roles_that_do_not_record_consents_cannot_mark_the_event(world, role):
    consent = part2(world)
    with pytest.raises(AccessDenied):
        mark(world, consent, by=world.users[role])
    assert Consent.objects.get(pk=consent.pk).event_happened_on is None
    assert not AuditEvent.objects.filter(event_type="consent.expiry_event_marked").exists()


def test_no_copy_is_given_under_it_once_the_event_is_marked(world):
    consent = part2(world)
    given = disclose_record(
        world.participant,
        by=world.therapist,
        what="print",
        to_participant=False,
        recipient="Officer B. Example, county probation",
        consent=consent,
        parts=["attendance"],
        now=NOW,
    )
    mark(world, consent)
    with pytest.raises(InvalidInput) as refused:
        disclose_record(
            world.participant,
            by=world.therapist,
            what="export",
            to_participant=False,
            recipient="Officer B. Example, county probation",
            consent=consent,
            now=NOW,
        )
    assert refused.value.message == (
        "This consent is not in force (expired): no copy can be given under it."
    )
    assert list(Disclosure.objects.all()) == [given]


def test_a_support_person_sees_nothing_once_the_event_is_marked(world, login):
    person = add_support_person(
        world.participant, by=world.therapist, name="Dana Example", relationship="sister"
    )
    account = make_user("sister", kind=User.Kind.SUPPORT)
    link_login(person, account, by=world.therapist)
    consent = part2(world)
    record_sharing(person, consent, by=world.therapist, schedule=True, attendance=True, now=NOW)
    assert shared_with_support(account, today=TODAY) == {
        world.participant.pk: frozenset({"schedule", "attendance"})
    }
    client = login(account)
    home = reverse("family:home")
    assert world.participant.legal_first_name in client.get(home).content.decode()

    mark(world, consent, date(2026, 11, 18))
    assert shared_with_support(account, today=TODAY) == {}
    assert shared_with_support(account, today=date(2026, 11, 17)) != {}
    text = client.get(home).content.decode()
    assert "Nothing is shared with you right now." in text
    assert world.participant.legal_first_name not in text


def test_the_tab_marks_the_event_and_the_api_reads_it(world, login):
    consent = part2(world)
    client = login(world.therapist)
    tab = reverse("consent:tab", args=[world.participant.public_id])
    text = client.get(tab).content.decode()
    assert f"On the event or condition: {EVENT}" in text
    assert "Mark the event as happened" in text
    url = reverse("consent:expiry_event", args=[world.participant.public_id, consent.public_id])
    assert client.post(url, {"happened_on": "2026-11-18", "version": 1}).status_code == 302
    text = client.get(tab).content.decode()
    assert "Happened Wed 18 Nov 2026, expired from that day" in text
    assert "Mark the event as happened" not in text
    assert Consent.objects.get(pk=consent.pk).event_happened_on == date(2026, 11, 18)

    [row] = client.get(f"/api/v1/participants/{world.participant.public_id}/consents").json()
    assert (row["status"], row["expiry_event"], row["event_happened_on"], row["ends_on"]) == (
        "expired",
        EVENT,
        "2026-11-18",
        "2026-11-17",
    )
