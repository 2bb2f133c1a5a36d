"""The Medicare IOP certification card on the Level of care tab: where the physician works,
for roles that may sign (`billing.certify`) on the clinical record, while a Medicare payer
covers the participant, showing the certification in force and nothing of the coverage."""

from datetime import date

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from billing import services
from billing.models import IopCertification
from billing.tests.builders import cover, payer
from billing.tests.test_medicare_iop import certify, medicare
from participants.access import Scope
from tandem.errors import AccessDenied

pytestmark = pytest.mark.django_db

MEMBER_ID = "M-1234"  # the builders' member id


def _tab(world) -> str:
    return reverse(
        "placement:level_of_care", kwargs={"participant_id": world.participant.public_id}
    )


def _certify_url(world) -> str:
    return reverse("billing:certify", kwargs={"participant_id": world.participant.public_id})


def _sent(world, **changes) -> dict:
    return {
        "physician": str(world.users["prescriber"].public_id),
        "certified_on": "2026-12-01",
        "needs_nine_hours": "on",
        **changes,
    }


def test_the_prescriber_sees_the_certification_in_force_and_no_billing_data(world, login):
    cover(world, world.episode, medicare(world))
    certify(world, date(2026, 10, 1))

    page = login(world.users["prescriber"]).get(_tab(world))

    text = page.content.decode()
    assert page.status_code == 200
    assert "Medicare IOP certification" in text
    assert "In force until <strong>Thu 31 Dec 2026</strong>" in text
    assert "certified on Thu 1 Oct 2026" in text
    for billing_data in (MEMBER_ID, "Medicare (synthetic)", "condition code 92", "Tue 8 Sep 2026"):
        assert billing_data not in text
    [card] = page.context["cards"]
    # The signer themself is the physician unless they choose another, dated today.
    assert card["form"]["physician"].value() == str(world.users["prescriber"].public_id)
    assert card["form"]["certified_on"].value() == date(2026, 12, 1)


def test_the_card_says_when_a_recertification_is_due_or_none_is_in_force(world, login):
    cover(world, world.episode, medicare(world))
    client = login(world.users["therapist"])
    assert "No certification recorded" in client.get(_tab(world)).content.decode()

    certify(world, date(2026, 9, 10))  # in force until Mon 30 Nov 2026
    assert "No certification in force</strong> since Mon 30 Nov 2026" in (
        client.get(_tab(world)).content.decode()
    )
    certify(world, date(2026, 10, 1))
    # Thu 31 Dec is not within 14 days of Tue 1 Dec.
    assert "Recertification due" not in client.get(_tab(world)).content.decode()


def test_no_card_without_medicare_coverage_in_force(world, login):
    client = login(world.users["prescriber"])
    assert client.get(_tab(world)).context["cards"] == []
    cover(world, world.episode, payer(world))  # H0015
    cover(world, world.episode, medicare(world), ends_on=date(2026, 11, 30))
    page = client.get(_tab(world))
    assert page.context["cards"] == []
    assert "Medicare IOP certification" not in page.content.decode()


def _card_reads(world) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(
            event_type="billing.certification_viewed", participant=world.participant
        )
    )


def test_the_card_leaves_its_own_billing_read_in_the_trail(world, login):
    """The card says Medicare covers the participant: whoever asks the trail who saw their
    billing finds the prescriber who opened the tab, and which certification they saw."""
    cover(world, world.episode, medicare(world))
    shown = certify(world, date(2026, 10, 1))

    login(world.users["prescriber"]).get(_tab(world))

    [event] = _card_reads(world)
    assert event.actor == world.users["prescriber"]
    assert event.details["scope"] == str(Scope.BILLING)
    assert event.record_id == str(shown.public_id)
    assert event.outcome == "allowed"


@pytest.mark.parametrize("persona", ["prescriber", "nurse"])
def test_no_billing_read_where_no_card_shows(world, login, persona):
    """Without Medicare in force the prescriber sees no card; a nurse never does."""
    cover(world, world.episode, payer(world))
    if persona == "nurse":
        cover(world, world.episode, medicare(world))
    login(world.users[persona]).get(_tab(world))
    assert _card_reads(world) == []


@pytest.mark.parametrize("persona", ["nurse", "casemanager", "peer"])
def test_no_card_for_roles_that_may_not_certify(world, login, persona):
    cover(world, world.episode, medicare(world))
    page = login(world.users[persona]).get(_tab(world))
    assert page.status_code == 200
    assert page.context["cards"] == []
    assert "Medicare IOP certification" not in page.content.decode()


def test_the_signer_records_a_certification_from_the_card(world, login):
    cover(world, world.episode, medicare(world))
    client = login(world.users["prescriber"])

    answer = client.post(_certify_url(world), _sent(world))

    assert answer.status_code == 302 and answer["Location"] == _tab(world)
    made = IopCertification.objects.get()
    assert (made.episode, made.physician, made.recorded_by) == (
        world.episode,
        world.users["prescriber"],
        world.users["prescriber"],
    )
    assert made.certified_on == date(2026, 12, 1)
    event = AuditEvent.objects.get(event_type="billing.certification_added")
    assert event.participant_id == world.participant.pk
    assert (
        "In force until <strong>Sun 28 Feb 2027</strong>"
        in client.get(_tab(world)).content.decode()
    )


def test_a_refused_certification_comes_back_on_the_tab_with_why(world, login):
    cover(world, world.episode, medicare(world))
    client = login(world.users["counsellor"])

    unchecked = client.post(_certify_url(world), _sent(world, needs_nine_hours=""))
    not_a_signer = client.post(
        _certify_url(world), _sent(world, physician=str(world.users["nurse"].public_id))
    )

    assert unchecked.status_code == 400
    assert "at least 9 hours a week of IOP services." in unchecked.content.decode()
    assert unchecked.templates[0].name == "placement/level_of_care_tab.html"
    assert not_a_signer.status_code == 400
    assert "among the staff who may sign" in not_a_signer.content.decode()
    assert not IopCertification.objects.exists()


@pytest.mark.parametrize("persona", ["nurse", "casemanager", "peer", "billing", "frontdesk"])
def test_roles_without_billing_certify_are_refused_alike_whatever_they_send(world, login, persona):
    cover(world, world.episode, medicare(world))
    client = login(world.users[persona])
    for sent in (_sent(world), {}, _sent(world, needs_nine_hours="")):
        answer = client.post(_certify_url(world), sent)
        assert answer.status_code == 403
        assert "at least 9 hours" not in answer.content.decode()
    assert not IopCertification.objects.exists()


def test_the_service_records_through_the_clinical_part_only_with_billing_certify(world):
    with pytest.raises(AccessDenied):
        services.add_certification(
            world.participant,
            by=world.users["nurse"],
            episode=world.episode,
            physician=world.users["prescriber"],
            certified_on=date(2026, 12, 1),
            needs_nine_hours=True,
            through=Scope.CLINICAL,
        )
    made = services.add_certification(
        world.participant,
        by=world.users["therapist"],
        episode=world.episode,
        physician=world.users["therapist"],
        certified_on=date(2026, 12, 1),
        needs_nine_hours=True,
        through=Scope.CLINICAL,
    )
    assert made.physician == world.users["therapist"]
