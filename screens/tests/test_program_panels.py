"""A program's own drug-screen panels: added and retired by its director, offered only to its
organization's screens, read by analyte code as the shared cup is."""

import json

import pytest
from django.urls import reverse

from audit.models import AuditEvent, Outcome
from conftest import PERSONAS
from fhirapi.resources import screen_loinc
from screens import panels
from screens.models import DrugScreen, Panel, PanelAnalyte
from screens.services import (
    NewAnalyte,
    add_panel,
    record_screen,
    restore_panel,
    retire_panel,
)
from screens.tests.conftest import COLLECTED
from tandem.errors import AccessDenied, InvalidInput

PAGE = "/drug-screens/panels/"
ORAL = [
    NewAnalyte("FYL", "Fentanyl", "", ""),
    NewAnalyte("BUP", "Buprenorphine", "10", "ng/mL"),
    NewAnalyte("XYL", "Xylazine", "", ""),
]


def _add(org, by, name="Oral fluid swab", analytes=ORAL, specimen="oral-fluid") -> Panel:
    return add_panel(
        org,
        by=by,
        name=name,
        specimen=specimen,
        method="point-of-care",
        source="The swab's package insert",
        analytes=analytes,
    )


def _record(world, panel, **results):
    values = {a.code: "negative" for a in panel.analytes.all()} | results
    return record_screen(
        world.participant,
        by=world.therapist,
        panel=panel,
        results=values,
        collected_at=COLLECTED,
        observed=True,
        now=COLLECTED,
    )


def _form(world, **fields) -> dict[str, str]:
    prefix = f"org{world.org.pk}-"
    data = {
        "action": "add",
        "organization": str(world.org.public_id),
        f"{prefix}name": "Oral fluid swab",
        f"{prefix}specimen": "oral-fluid",
        f"{prefix}method": "point-of-care",
        f"{prefix}source": "The swab's package insert",
    }
    data.update({f"{prefix}{k}": v for k, v in fields.items()})
    return data


def _counts() -> tuple[int, int, int]:
    return (
        Panel.objects.count(),
        PanelAnalyte.objects.count(),
        AuditEvent.objects.filter(event_type__startswith="drug_screen.panel_").count(),
    )


def test_a_director_adds_a_panel_and_a_screen_is_recorded_on_it_from_the_chart(world, login, cup):
    client = login(world.director)
    page = client.get(PAGE)
    assert page.status_code == 200
    assert 'list="known-codes"' in page.content.decode() and ">FYL<" in page.content.decode()
    response = client.post(
        PAGE,
        _form(
            world,
            code_0="fyl",
            name_0="Fentanyl",
            code_1="XYL",
            name_1="Xylazine",
            cutoff_1="10",
            unit_1="ng/mL",
        ),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    panel = Panel.objects.get(organization=world.org)
    assert [(a.code, a.cutoff_label) for a in panel.analytes.all()] == [
        ("FYL", "as printed on the device"),
        ("XYL", "10 ng/mL"),
    ]

    client = login(world.therapist)
    tab = client.get(reverse("screens:tab", args=[world.participant.public_id]))
    record_url = reverse("screens:record", args=[world.participant.public_id, panel.public_id])
    assert record_url in tab.content.decode()
    posted = client.post(
        record_url,
        {
            "collected_at": "2026-11-16T09:30",
            "method": "point-of-care",
            "validity": "valid",
            "result_FYL": "negative",
            "result_XYL": "positive",
        },
    )
    assert posted.status_code == 302
    screen = DrugScreen.objects.get(participant=world.participant)
    assert screen.panel == panel and screen.specimen == "oral-fluid"
    assert {r.analyte.code: r.result for r in screen.results.all()} == {
        "FYL": "negative",
        "XYL": "positive",
    }
    shown = client.get(reverse("screens:tab", args=[world.participant.public_id]))
    assert "Xylazine" in shown.content.decode()


def test_a_known_code_reads_as_the_shared_cups_and_an_unknown_one_as_text(world, cup, on_list):
    on_list("buprenorphine-naloxone")
    own = _add(world.org, world.director)
    mine = _record(world, own, BUP="negative", XYL="positive")
    theirs = _record(world, cup, BUP="negative")
    by_code = {r.analyte.code: r for r in mine.results.all()}
    cups = {r.analyte.code: r for r in theirs.results.all()}
    assert (by_code["BUP"].flag, by_code["BUP"].flag_reason) == (
        cups["BUP"].flag,
        cups["BUP"].flag_reason,
    )
    assert by_code["BUP"].flag == "unexpected-negative"
    assert by_code["XYL"].flag == "unexpected-positive"
    # Coded for FHIR by analyte code, as the cup's (a urine panel: §10 codes urine's).
    urine = _add(world.org, world.director, name="Urine cup, our lab", specimen="urine")
    on_urine = _record(world, urine)
    bup = on_urine.results.get(analyte__code="BUP")
    assert screen_loinc(bup) == screen_loinc(theirs.results.get(analyte__code="BUP"))
    assert screen_loinc(bup) is not None
    assert screen_loinc(on_urine.results.get(analyte__code="XYL")) is None


def test_another_organizations_panel_is_not_found(world, login, cup):
    other = world.other_org_participant.organization
    theirs = _add(other, world.stranger)
    client = login(world.therapist)
    tab = client.get(reverse("screens:tab", args=[world.participant.public_id]))
    assert str(theirs.public_id) not in tab.content.decode()
    url = reverse("screens:record", args=[world.participant.public_id, theirs.public_id])
    assert client.get(url).status_code == 404
    posted = client.post(
        url,
        {"collected_at": "2026-11-16T09:30", "method": "point-of-care", "validity": "valid"}
        | {f"result_{a.code}": "negative" for a in theirs.analytes.all()},
    )
    assert posted.status_code == 404
    api = client.post(
        f"/api/v1/participants/{world.participant.public_id}/drug-screens",
        json.dumps(
            {
                "panel": theirs.code,
                "collected_at": COLLECTED.isoformat(),
                "observed": True,
                "results": {a.code: "negative" for a in theirs.analytes.all()},
            }
        ),
        content_type="application/json",
    )
    assert api.status_code == 422
    assert api.json()["detail"][0]["field"] == "panel"
    with pytest.raises(InvalidInput):
        _record(world, theirs)
    assert not DrugScreen.objects.exists()
    # Nor does its director see ours, or retire it from their page.
    ours = _add(world.org, world.director)
    client = login(world.stranger)
    assert ours.code not in client.get(PAGE).content.decode()
    refused = client.post(
        PAGE,
        {"action": "retire", "organization": str(other.public_id), "panel": str(ours.public_id)},
    )
    assert refused.status_code == 400
    ours.refresh_from_db()
    assert ours.is_active


def test_two_organizations_may_name_a_panel_alike(world, cup):
    other = world.other_org_participant.organization
    name = "Saliva cup, 6 analytes"
    ours, theirs = _add(world.org, world.director, name), _add(other, world.stranger, name)
    assert ours.code != theirs.code and cup.code == "urine-cup-hhs"
    panels.seed()
    panels.seed()
    assert Panel.objects.filter(organization__isnull=True).count() == 2


def test_retiring_takes_it_off_the_record_form_and_past_screens_keep_it(world, login, cup):
    own = _add(world.org, world.director)
    past = _record(world, own)
    client = login(world.director)
    response = client.post(
        PAGE,
        {"action": "retire", "organization": str(world.org.public_id), "panel": own.public_id},
    )
    assert response.status_code == 302
    own.refresh_from_db()
    assert not own.is_active
    client = login(world.therapist)
    tab = client.get(reverse("screens:tab", args=[world.participant.public_id])).content.decode()
    record_url = reverse("screens:record", args=[world.participant.public_id, own.public_id])
    assert record_url not in tab
    assert f'id="screen-{past.public_id}"' in tab and own.name in tab
    assert client.get(record_url).status_code == 404
    with pytest.raises(InvalidInput, match="already retired"):
        retire_panel(own, by=world.director)
    with pytest.raises(InvalidInput, match="shared panel"):
        retire_panel(cup, by=world.director)
    assert Panel.objects.get(pk=cup.pk).is_active


def test_adding_and_retiring_are_audited(world, cup):
    own = _add(world.org, world.director)
    retire_panel(own, by=world.director)
    added = AuditEvent.objects.get(event_type="drug_screen.panel_added")
    retired = AuditEvent.objects.get(event_type="drug_screen.panel_retired")
    for event in (added, retired):
        assert (event.actor, event.organization_id, event.outcome) == (
            world.director,
            world.org.pk,
            Outcome.ALLOWED,
        )
    assert added.details["analytes"] == ["FYL", "BUP", "XYL"]


@pytest.mark.parametrize(
    ("fields", "analytes", "message"),
    [
        ({"name": "  "}, ORAL, "Name the panel"),
        ({"name": "x" * 121}, ORAL, "at most 120"),
        ({"source": ""}, ORAL, "where the cut-offs come from"),
        ({"source": "x" * 201}, ORAL, "at most 200"),
        ({"specimen": "blood"}, ORAL, "Choose the specimen"),
        ({"method": "guess"}, ORAL, "Choose the method"),
        ({"name": "Urine cup, 13 analytes"}, ORAL, "already named"),
        ({}, [], "at least one analyte"),
        ({}, [NewAnalyte(f"A{n}", f"Analyte {n}") for n in range(31)], "at most 30 analytes"),
        ({}, [NewAnalyte("", "Fentanyl")], "short code"),
        ({}, [NewAnalyte("F-Y", "Fentanyl")], "2 to 10 letters or digits"),
        ({}, [NewAnalyte("FYLFYLFYLFY", "Fentanyl")], "2 to 10 letters or digits"),
        ({}, [NewAnalyte("FYL", "Fentanyl"), NewAnalyte("fyl", "Again")], "given twice"),
        ({}, [NewAnalyte("FYL", " ")], "name the analyte"),
        ({}, [NewAnalyte("FYL", "x" * 121)], "at most 120"),
        ({}, [NewAnalyte("FYL", "Fentanyl", "-1", "ng/mL")], "more than zero"),
        ({}, [NewAnalyte("FYL", "Fentanyl", "0", "ng/mL")], "more than zero"),
        ({}, [NewAnalyte("FYL", "Fentanyl", "ten", "ng/mL")], "is a number"),
        ({}, [NewAnalyte("FYL", "Fentanyl", "NaN", "ng/mL")], "is a number"),
        ({}, [NewAnalyte("FYL", "Fentanyl", "1e12", "ng/mL")], "at most"),
        ({}, [NewAnalyte("FYL", "Fentanyl", "0.0001", "ng/mL")], "three decimals"),
        ({}, [NewAnalyte("FYL", "Fentanyl", "1", "")], "cut-off's unit"),
        ({}, [NewAnalyte("FYL", "Fentanyl", "", "ng/mL")], "leave both blank"),
        ({}, [NewAnalyte("FYL", "Fentanyl", "1", "x" * 21)], "at most 20"),
    ],
)
def test_bad_input_is_refused_with_nothing_written(world, cup, fields, analytes, message):
    before = _counts()
    given = {
        "name": "Oral fluid swab",
        "specimen": "oral-fluid",
        "method": "point-of-care",
        "source": "The swab's package insert",
    } | fields
    with pytest.raises(InvalidInput) as refused:
        add_panel(world.org, by=world.director, analytes=analytes, **given)
    assert message.lower() in refused.value.message.lower()
    assert _counts() == before


def test_a_bad_form_is_sent_back_with_its_message_and_nothing_written(world, login, cup):
    client = login(world.director)
    before = _counts()
    response = client.post(PAGE, _form(world, code_0="FYL", name_0="Fentanyl", cutoff_0="-5"))
    assert response.status_code == 400
    page = response.content.decode()
    assert "FYL: the cut-off is more than zero." in page
    assert 'value="Oral fluid swab"' in page
    assert _counts() == before


@pytest.mark.parametrize("persona", [*PERSONAS, "stranger", "participant_user", "support"])
def test_only_directors_open_the_panels_page(world, login, cup, persona):
    response = login(world.users[persona]).get(PAGE)
    assert response.status_code == (200 if persona in ("director", "stranger") else 403)
    # Each director sees their own organization's form only.
    if response.status_code == 200:
        mine = world.org if persona == "director" else world.other_org_participant.organization
        assert f'value="{mine.public_id}"' in response.content.decode()


def test_a_role_without_the_capability_is_refused_and_audited(world, cup):
    before = _counts()
    with pytest.raises(AccessDenied):
        _add(world.org, world.supervisor)
    own = _add(world.org, world.director)
    with pytest.raises(AccessDenied):
        retire_panel(own, by=world.stranger)
    refusals = AuditEvent.objects.filter(
        event_type__startswith="drug_screen.panel_", outcome=Outcome.REFUSED
    )
    assert refusals.count() == 2
    assert Panel.objects.count() == before[0] + 1


def _restore_form(world, panel) -> dict[str, str]:
    return {
        "action": "restore",
        "organization": str(world.org.public_id),
        "panel": str(panel.public_id),
    }


def test_a_director_brings_a_retired_panel_back_and_it_is_offered_again(world, login, cup):
    own = _add(world.org, world.director)
    retire_panel(own, by=world.director)
    client = login(world.director)
    page = client.get(PAGE).content.decode()
    assert f"Bring back {own.name}" in page and 'value="restore"' in page
    assert f"Retire {own.name}" not in page

    response = client.post(PAGE, _restore_form(world, own))

    assert response.status_code == 302
    own.refresh_from_db()
    assert own.is_active
    shown = client.get(response.url).content.decode()
    assert f"{own.name} is back in use" in shown and f"Retire {own.name}" in shown
    client = login(world.therapist)
    tab = client.get(reverse("screens:tab", args=[world.participant.public_id])).content.decode()
    record_url = reverse("screens:record", args=[world.participant.public_id, own.public_id])
    assert record_url in tab
    assert client.get(record_url).status_code == 200
    listed = client.get("/api/v1/drug-screen-panels").json()
    assert own.code in {p["code"] for p in listed}
    screen = _record(world, own, XYL="positive")
    assert screen.panel == own


def test_restoring_is_audited_with_before_and_after(world, cup):
    own = _add(world.org, world.director)
    retire_panel(own, by=world.director)

    restored = restore_panel(own, by=world.director)

    assert restored.is_active and Panel.objects.get(pk=own.pk).is_active
    event = AuditEvent.objects.get(event_type="drug_screen.panel_restored")
    assert (event.actor, event.organization_id, event.outcome) == (
        world.director,
        world.org.pk,
        Outcome.ALLOWED,
    )
    assert event.details["code"] == own.code
    assert event.details["changes"] == {"is_active": {"before": False, "after": True}}


def test_restoring_refuses_a_shared_panel_one_in_use_and_a_name_taken_again(world, cup):
    own = _add(world.org, world.director)
    before = _counts()
    with pytest.raises(InvalidInput, match="already in use"):
        restore_panel(own, by=world.director)
    with pytest.raises(InvalidInput, match="shared panel"):
        restore_panel(cup, by=world.director)
    # Retired, then a new panel added under its name: two in use would be named alike.
    retire_panel(own, by=world.director)
    _add(world.org, world.director)
    with pytest.raises(InvalidInput, match="already named"):
        restore_panel(own, by=world.director)
    assert not Panel.objects.get(pk=own.pk).is_active
    assert not AuditEvent.objects.filter(event_type="drug_screen.panel_restored").exists()
    assert _counts()[0] == before[0] + 1


def test_restoring_is_refused_to_a_role_without_the_capability_and_audited(world, cup):
    own = _add(world.org, world.director)
    retire_panel(own, by=world.director)
    for user in (world.supervisor, world.therapist, world.stranger):
        with pytest.raises(AccessDenied):
            restore_panel(own, by=user)
    refusals = AuditEvent.objects.filter(
        event_type="drug_screen.panel_restored", outcome=Outcome.REFUSED
    )
    assert refusals.count() == 3
    assert not Panel.objects.get(pk=own.pk).is_active


@pytest.mark.parametrize("persona", [*PERSONAS, "stranger", "participant_user", "support"])
def test_only_the_organizations_director_brings_a_panel_back_from_the_page(
    world, login, cup, persona
):
    own = _add(world.org, world.director)
    retire_panel(own, by=world.director)
    response = login(world.users[persona]).post(PAGE, _restore_form(world, own))
    # Another organization's director is sent back the page: the organization is not theirs.
    expected = {"director": 302, "stranger": 400}.get(persona, 403)
    assert response.status_code == expected
    assert Panel.objects.get(pk=own.pk).is_active == (persona == "director")
