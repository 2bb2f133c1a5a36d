"""Support people: adding one through the service and the tab, refusals, entered in error,
and the audit events each write leaves."""

from datetime import UTC, datetime

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from family.models import SupportPerson
from family.selectors import support_people_for
from family.services import add_support_person, mark_entered_in_error
from tandem.errors import AccessDenied, InvalidInput

NOW = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)


def add(world, **changes):
    fields = {"name": "Dana Example", "relationship": "sister"} | changes
    return add_support_person(world.participant, by=world.therapist, now=NOW, **fields)


def test_adding_a_support_person_is_audited_and_listed(world):
    person = add(world, phone=" 555-0100 ", emergency_contact=True)
    assert person.phone == "555-0100"
    event = AuditEvent.objects.get(event_type="support_person.added")
    assert event.participant_id == world.participant.pk
    assert event.details["emergency_contact"] is True
    assert support_people_for(world.participant) == [person]


@pytest.mark.parametrize("field", ["name", "relationship"])
def test_a_missing_name_or_relationship_is_refused_by_name(world, field):
    with pytest.raises(InvalidInput) as refused:
        add(world, **{field: "  "})
    assert refused.value.field == field
    assert not SupportPerson.objects.exists()
    assert not AuditEvent.objects.filter(event_type="support_person.added").exists()


def test_someone_outside_the_care_team_cannot_add_one(world):
    with pytest.raises(AccessDenied):
        add_support_person(
            world.participant, by=world.outsider, name="Dana Example", relationship="sister"
        )
    assert not SupportPerson.objects.exists()


def test_entered_in_error_leaves_the_list_and_is_audited(world):
    person = add(world)
    mark_entered_in_error(person, by=world.therapist, reason="Wrong participant", now=NOW)
    assert support_people_for(world.participant) == []
    assert AuditEvent.objects.filter(
        event_type="support_person.entered_in_error", participant=world.participant
    ).exists()
    with pytest.raises(InvalidInput):
        mark_entered_in_error(person, by=world.therapist, reason="Again")


def test_the_tab_adds_lists_and_withdraws_through_the_pages(world, login):
    client = login(world.therapist)
    url = reverse("family:tab", args=[world.participant.public_id])
    assert "No support people recorded." in client.get(url).content.decode()

    refused = client.post(url, {"name": "Dana Example"})
    assert refused.status_code == 400
    assert "relationship" in refused.context["form"].errors
    assert not SupportPerson.objects.exists()

    sent = {"name": "Dana Example", "relationship": "sister", "phone": "555-0100"}
    assert client.post(url, sent | {"emergency_contact": "on"}).status_code == 302
    person = SupportPerson.objects.get()
    assert person.emergency_contact
    text = client.get(url).content.decode()
    assert "Dana Example" in text and 'href="tel:555-0100"' in text

    withdraw = reverse(
        "family:entered_in_error", args=[world.participant.public_id, person.public_id]
    )
    assert client.post(withdraw, {"reason": "Wrong participant"}).status_code == 302
    assert "Dana Example" not in client.get(url).content.decode()
    assert client.post(withdraw, {"reason": "Again"}).status_code == 404
