"""Payers and coverage: who keeps them, and the input refused with a clear message."""

from datetime import date

import pytest

from audit.models import AuditEvent
from billing import services
from billing.models import Coverage, Payer
from billing.tests.builders import cover, payer
from tandem.errors import AccessDenied, InvalidInput


def test_billing_adds_a_payer_with_its_per_diem_code_audited(world):
    added = payer(world, code="S9480")
    assert (added.name, added.per_diem_code) == ("Prairie Health Plan", "S9480")
    assert AuditEvent.objects.filter(event_type="billing.payer_added").count() == 1


@pytest.mark.parametrize(
    ("name", "code", "message"),
    [
        ("", "H0015", "Name"),
        ("Other Plan", "99999", "Choose the per-diem code"),
        ("prairie health plan", "H0015", "already has a payer of this name"),
    ],
)
def test_a_bad_payer_is_refused_with_a_clear_message(world, name, code, message):
    payer(world)
    with pytest.raises(InvalidInput, match=message):
        services.add_payer(world.org, by=world.users["billing"], name=name, per_diem_code=code)
    assert Payer.objects.count() == 1


@pytest.mark.parametrize("persona", ["therapist", "supervisor", "frontdesk"])
def test_only_billing_and_the_director_keep_the_payers(world, persona):
    with pytest.raises(AccessDenied):
        services.add_payer(world.org, by=world.users[persona], name="X", per_diem_code="H0015")
    services.add_payer(world.org, by=world.users["director"], name="X", per_diem_code="H0015")


def test_an_end_before_the_start_is_refused(world):
    plan = payer(world)
    with pytest.raises(InvalidInput, match="end date cannot be before the start date"):
        cover(world, world.episode, plan, starts_on=date(2026, 10, 1), ends_on=date(2026, 9, 30))
    assert not Coverage.objects.exists()


def test_an_overlapping_coverage_by_the_same_payer_is_refused(world):
    plan = payer(world)
    cover(world, world.episode, plan, starts_on=date(2026, 9, 1), ends_on=date(2026, 10, 31))
    with pytest.raises(InvalidInput, match="already has a coverage by Prairie Health Plan"):
        cover(world, world.episode, plan, starts_on=date(2026, 10, 31))
    # The next day, or another payer on the same days, stands.
    cover(world, world.episode, plan, starts_on=date(2026, 11, 1))
    cover(world, world.episode, payer(world, "Lakeshore Medicaid", "S9480"))
    assert Coverage.objects.count() == 3


def test_an_open_coverage_overlaps_any_later_one(world):
    plan = payer(world)
    cover(world, world.episode, plan, starts_on=date(2026, 9, 1))
    with pytest.raises(InvalidInput, match="already has a coverage"):
        cover(world, world.episode, plan, starts_on=date(2027, 1, 1))


def test_a_payer_of_another_organization_or_none_is_unknown(world):
    other = Payer.objects.create(
        organization=world.other_org_participant.organization,
        name="Elsewhere",
        per_diem_code="H0015",
    )
    for unknown in (other, None):
        with pytest.raises(InvalidInput, match="Choose a payer from the program's list"):
            cover(world, world.episode, unknown)
    assert not Coverage.objects.exists()


def test_a_missing_member_id_is_refused(world):
    with pytest.raises(InvalidInput, match="member id"):
        services.add_coverage(
            world.participant,
            by=world.users["billing"],
            payer=payer(world),
            member_id="  ",
            starts_on=date(2026, 9, 1),
        )


@pytest.mark.parametrize("persona", ["therapist", "supervisor", "frontdesk"])
def test_clinicians_and_the_front_desk_record_no_coverage(world, persona):
    with pytest.raises(AccessDenied):
        services.add_coverage(
            world.participant,
            by=world.users[persona],
            payer=payer(world),
            member_id="M-1",
            starts_on=date(2026, 9, 1),
        )


def test_a_coverage_entered_in_error_stays_and_frees_its_days(world):
    plan = payer(world)
    first = cover(world, world.episode, plan)
    with pytest.raises(InvalidInput, match="at least"):
        services.mark_coverage_in_error(first, by=world.users["billing"], reason="")
    services.mark_coverage_in_error(first, by=world.users["billing"], reason="Wrong member id")
    first.refresh_from_db()
    assert first.entered_in_error and first.entered_in_error_reason == "Wrong member id"
    assert AuditEvent.objects.filter(
        event_type="billing.coverage_entered_in_error", participant=world.participant
    ).exists()
    cover(world, world.episode, plan)
    assert Coverage.objects.count() == 2


def test_the_tab_refuses_bad_input_with_the_message_beside_the_form(world, login):
    plan = payer(world)
    client = login(world.users["billing"])
    url = f"/billing/{world.participant.public_id}/coverage/"
    sent = {"payer": str(plan.public_id), "member_id": "M-9", "starts_on": "2026-10-02"}
    answer = client.post(url, {**sent, "ends_on": "2026-10-01"})
    assert answer.status_code == 400
    assert "The end date cannot be before the start date." in answer.content.decode()
    answer = client.post(url, {**sent, "payer": "00000000-0000-0000-0000-000000000000"})
    assert answer.status_code == 400
    assert "Choose a payer from the program&#x27;s list." in answer.content.decode()
    assert client.post(url, sent).status_code == 302
    answer = client.post(url, sent)
    assert answer.status_code == 400
    assert "already has a coverage by Prairie Health Plan" in answer.content.decode()
    assert Coverage.objects.count() == 1


def test_the_tab_shows_member_ids_to_billing_and_not_to_clinicians(world, login):
    cover(world, world.episode, payer(world))
    url = f"/billing/{world.participant.public_id}/"
    assert "M-1234" in login(world.users["billing"]).get(url).content.decode()
    assert login(world.users["therapist"]).get(url).status_code == 403


def test_the_payers_page_adds_a_payer_and_refuses_a_clinician(world, login):
    client = login(world.users["director"])
    assert client.get("/billing/payers/").status_code == 200
    answer = client.post("/billing/payers/", {"name": "Prairie", "per_diem_code": "S9480"})
    assert answer.status_code == 302
    assert Payer.objects.get().per_diem_code == "S9480"
    assert client.post("/billing/payers/", {"name": "", "per_diem_code": ""}).status_code == 400
    assert login(world.users["therapist"]).get("/billing/payers/").status_code == 403
