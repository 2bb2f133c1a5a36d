"""`GET /api/v1/drug-screen-panels`: the panels a client may record screens on,
so it learns a program's own panel codes without the settings page."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Membership, Role
from audit.models import AuditEvent
from conftest import make_user
from screens.panels import DEVICE
from screens.services import retire_panel
from screens.tests.test_program_panels import _add

URL = "/api/v1/drug-screen-panels"
SHARED = {"urine-cup-hhs", "breath-alcohol"}
# Who records screens, written out by hand (not computed from the policy under test): the
# care team and oversight, a therapist off every care team and intake among them (they record
# once on a team or on an intake case); `stranger` directs another organization.
RECORDERS = [
    "director",
    "supervisor",
    "therapist",
    "outsider",
    "counsellor",
    "prescriber",
    "nurse",
    "casemanager",
    "peer",
    "intake",
    "stranger",
]
NOT_RECORDERS = ["frontdesk", "billing", "auditor", "participant_user", "support"]


def _panels(client) -> dict[str, dict]:
    response = client.get(URL)
    assert response.status_code == 200, response.content
    return {p["code"]: p for p in response.json()}


def test_a_directors_new_panel_is_listed_for_their_counsellor_not_for_another_organization(
    world, signed_in, cup
):
    ours = _add(world.org, world.director)
    theirs = _add(world.other_org_participant.organization, world.stranger, "Lab panel")

    listed = _panels(signed_in(world.counsellor))

    assert set(listed) == SHARED | {ours.code}
    assert listed[ours.code] == {
        "code": ours.code,
        "name": "Oral fluid swab",
        "specimen": "oral-fluid",
        "method": "point-of-care",
        "source": "The swab's package insert",
        "shared": False,
        "organization": str(world.org.public_id),
        "analytes": [
            {
                "code": "FYL",
                "name": "Fentanyl",
                "cutoff": None,
                "unit": "",
                "cutoff_source": DEVICE,
            },
            {
                "code": "BUP",
                "name": "Buprenorphine",
                "cutoff": "10",
                "unit": "ng/mL",
                "cutoff_source": "The swab's package insert",
            },
            {
                "code": "XYL",
                "name": "Xylazine",
                "cutoff": None,
                "unit": "",
                "cutoff_source": DEVICE,
            },
        ],
    }
    assert set(_panels(signed_in(world.stranger))) == SHARED | {theirs.code}


def test_the_shared_cup_carries_its_cut_offs_in_order(world, signed_in, cup):
    listed = _panels(signed_in(world.therapist))["urine-cup-hhs"]
    assert (listed["shared"], listed["organization"]) == (True, None)
    assert [a["code"] for a in listed["analytes"]] == [a.code for a in cup.analytes.all()]
    thc, bup = listed["analytes"][0], listed["analytes"][10]
    assert (thc["code"], thc["cutoff"], thc["unit"]) == ("THC", "50", "ng/mL")
    assert thc["cutoff_source"].startswith("HHS urine initial-test cut-off")
    assert (bup["code"], bup["cutoff"]) == ("BUP", None)


def test_a_retired_panel_is_not_listed(world, signed_in, cup):
    kept = _add(world.org, world.director, "Lab panel")
    retired = _add(world.org, world.director)
    retire_panel(retired, by=world.director)

    assert set(_panels(signed_in(world.therapist))) == SHARED | {kept.code}


@pytest.mark.parametrize("persona", RECORDERS)
def test_the_shared_panels_are_listed_for_everyone_who_records_screens(
    world, signed_in, cup, persona
):
    assert set(_panels(signed_in(world.users[persona]))) >= SHARED


@pytest.mark.parametrize("persona", NOT_RECORDERS)
def test_someone_who_records_screens_nowhere_is_refused(world, signed_in, cup, persona):
    _add(world.org, world.director)
    before = AuditEvent.objects.count()

    response = signed_in(world.users[persona]).get(URL)

    assert response.status_code == 403
    assert response.json() == {"detail": "Your role does not record drug screens."}
    assert AuditEvent.objects.count() == before


def test_only_the_organizations_where_someone_records_bring_their_panels(world, signed_in, cup):
    """Front desk here and a counsellor elsewhere: the other organization's panels only."""
    other = world.other_org_participant.organization
    both = make_user("two_programs")
    Membership.objects.create(user=both, organization=world.org, role=Role.FRONT_DESK)
    Membership.objects.create(user=both, organization=other, role=Role.COUNSELLOR)
    _add(world.org, world.director)
    theirs = _add(other, world.stranger, "Lab panel")

    assert set(_panels(signed_in(both))) == SHARED | {theirs.code}


def test_the_list_takes_the_same_queries_however_many_panels(
    world, signed_in, cup, django_assert_num_queries
):
    _add(world.org, world.director)
    client = signed_in(world.counsellor)
    client.get(URL)  # the session's first request settles its bookkeeping
    with CaptureQueriesContext(connection) as one:
        assert len(_panels(client)) == 3
    # The request's own (its session; the user and their roles where not kept) and two for
    # the panels with their analytes.
    panels = [q for q in one.captured_queries if "screens_panel" in q["sql"]]
    assert len(panels) == 2
    other = world.other_org_participant.organization
    for name in ("Lab panel", "Saliva cup", "Breath, second device"):
        _add(world.org, world.director, name)
        _add(other, world.stranger, name)
    with django_assert_num_queries(len(one)):
        assert len(_panels(client)) == 6
