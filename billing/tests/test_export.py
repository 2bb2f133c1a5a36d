"""The coverage in the copy of the record (JSON and print): carried, those entered in error
too, only by a copy made by someone who reads the participant's billing part."""

import json
from datetime import date

import pytest
from django.urls import reverse

from billing import services
from billing.tests.builders import cover, payer
from participants.access import break_the_glass
from tandem.templatetags.clock import day

WHY = "Member id of another plan."


def _copy(client, world, what: str):
    response = client.post(
        reverse("consent:disclose", args=[world.participant.public_id]),
        {"to": "participant", "what": what},
    )
    assert response.status_code == 200
    return response


@pytest.fixture
def coverages(world):
    """An open coverage and one by another payer entered in error."""
    kept = cover(world, world.episode, payer(world), starts_on=date(2026, 9, 8))
    other = payer(world, "Lakeshore Medicaid", "S9480")
    wrong = services.add_coverage(
        world.participant,
        by=world.users["billing"],
        payer=other,
        member_id="LM-77",
        starts_on=date(2026, 8, 1),
        ends_on=date(2026, 8, 31),
    )
    wrong = services.mark_coverage_in_error(wrong, by=world.users["billing"], reason=WHY)
    return kept, wrong


def test_the_director_s_copy_carries_each_coverage_as_the_billing_tab_shows_it(
    world, login, coverages
):
    kept, wrong = coverages
    client = login(world.director)

    exported = json.loads(_copy(client, world, "export").content)
    printed = _copy(client, world, "print").content.decode()

    assert exported["coverage"] == [
        {
            "payer": "Lakeshore Medicaid",
            "per_diem_code": "S9480",
            "member_id": "LM-77",
            "start_date": "2026-08-01",
            "end_date": "2026-08-31",
            "recorded_at": wrong.recorded_at.isoformat(),
            "recorded_by": str(world.users["billing"]),
            "entered_in_error": True,
            "entered_in_error_at": wrong.entered_in_error_at.isoformat(),
            "entered_in_error_by": str(world.users["billing"]),
            "entered_in_error_reason": WHY,
        },
        {
            "payer": "Prairie Health Plan",
            "per_diem_code": "H0015",
            "member_id": "M-1234",
            "start_date": "2026-09-08",
            "end_date": None,
            "recorded_at": kept.recorded_at.isoformat(),
            "recorded_by": str(world.users["billing"]),
            "entered_in_error": False,
            "entered_in_error_at": "",
            "entered_in_error_by": "",
            "entered_in_error_reason": "",
        },
    ]
    section = printed.split("<h2>Coverage</h2>", 1)[1]
    for shown in ("Member id", "Per diem code", "M-1234", "LM-77", WHY, day(date(2026, 9, 8))):
        assert shown in section


@pytest.mark.parametrize("persona", ["therapist", "supervisor"])
def test_a_copy_made_by_someone_who_does_not_read_billing_leaves_the_coverage_out(
    world, login, coverages, persona
):
    """The care team and the supervisor may give a copy of the clinical record, but member
    ids stay with those who read the billing part."""
    client = login(world.users[persona])

    exported = _copy(client, world, "export")
    printed = _copy(client, world, "print").content.decode()

    record = json.loads(exported.content)
    assert "coverage" not in record
    assert "attendance" in record and "participant" in record
    for copy in (exported.content.decode(), printed):
        assert "M-1234" not in copy and "LM-77" not in copy and "Prairie Health Plan" not in copy
    assert "<h2>Coverage</h2>" not in printed


def test_break_the_glass_does_not_put_the_coverage_in_a_copy(world, login, coverages):
    outsider = world.users["outsider"]
    break_the_glass(outsider, world.participant, "Crisis call on the weekend line; chart needed")
    client = login(outsider)

    exported = _copy(client, world, "export").content.decode()

    assert "M-1234" not in exported and '"coverage"' not in exported


def test_the_medicare_certifications_travel_with_the_coverage_and_only_to_billing_readers(
    world, login
):
    """A certification is what a Medicare claim rests on: the director's copy carries each
    one, withdrawn ones with why, and a clinician's copy carries none."""
    certify = {
        "by": world.users["director"],
        "episode": world.episode,
        "physician": world.users["prescriber"],
        "needs_nine_hours": True,
    }
    first = services.add_certification(world.participant, certified_on=date(2026, 9, 8), **certify)
    wrong = services.add_certification(world.participant, certified_on=date(2026, 10, 2), **certify)
    services.mark_certification_in_error(wrong, by=world.users["director"], reason=WHY)

    exported = json.loads(_copy(login(world.director), world, "export").content)

    rows = exported["iop_certifications"]
    assert [(r["certified_on"], r["in_force_until"], r["entered_in_error"]) for r in rows] == [
        ("2026-09-08", "2026-11-30", False),
        ("2026-10-02", "2026-12-31", True),
    ]
    assert rows[0]["certifying_physician"] == str(world.users["prescriber"])
    assert rows[0]["recorded_by"] == str(world.users["director"])
    assert rows[1]["entered_in_error_reason"] == WHY
    assert first.episode.program.name in rows[0]["stay"]
    therapist_copy = json.loads(_copy(login(world.therapist), world, "export").content)
    assert "iop_certifications" not in therapist_copy
