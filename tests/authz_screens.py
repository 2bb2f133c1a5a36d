"""Authorization rows for the drug-screen pages and API."""

from datetime import datetime
from zoneinfo import ZoneInfo

from screens import panels
from screens.models import Panel
from screens.services import NewAnalyte, add_panel, record_screen
from tests.authz import CLINICAL_READ, CLINICAL_WRITE, OVERSIGHT, Endpoint

CUP = "urine-cup-hhs"
# Reviewing an unexpected result is the `drug_screen.review` capability: the clinicians who act
# on it and oversight, not case managers or peer specialists; a therapist outside the care
# team after breaking the glass, not an intake coordinator.
REVIEWERS = frozenset(OVERSIGHT | {"therapist", "counsellor", "prescriber", "nurse"})
REVIEW_GLASS = frozenset({"outsider"})
COLLECTED = datetime(2026, 11, 16, 9, 30, tzinfo=ZoneInfo("America/Chicago"))


def _cup() -> Panel:
    panels.seed()
    return Panel.objects.get(code=CUP)


def _participant(world):
    return {"participant_id": world.participant.public_id}


def _panel(world):
    panel = _cup()
    return {"participant_id": world.participant.public_id, "panel_id": panel.public_id}


def _their_panel(world):
    """A panel another organization added: the participant's screens may not use it, so
    everyone the record page would serve gets the 404 of a panel that does not exist."""
    other = world.other_org_participant.organization
    panel = Panel.objects.filter(organization=other).first() or add_panel(
        other,
        by=world.stranger,
        name="Oral fluid swab",
        specimen="oral-fluid",
        method="point-of-care",
        source="The swab's package insert",
        analytes=[NewAnalyte("FYL", "Fentanyl")],
    )
    return {"participant_id": world.participant.public_id, "panel_id": panel.public_id}


def _all_negative() -> dict[str, str]:
    return {a.code: "negative" for a in _cup().analytes.all()}


def _posted(world) -> dict[str, str]:
    return {
        "collected_at": "2026-11-16T09:30",
        "method": "point-of-care",
        "validity": "valid",
        **{f"result_{code}": value for code, value in _all_negative().items()},
    }


def _flagged(world):
    """A screen with an unexpected positive (THC)."""
    return record_screen(
        world.participant,
        by=world.therapist,
        panel=_cup(),
        results={**_all_negative(), "THC": "positive"},
        collected_at=COLLECTED,
        observed=True,
        now=COLLECTED,
    )


def _result(world):
    result = _flagged(world).results.get(analyte__code="THC")
    return {"participant_id": world.participant.public_id, "result_id": result.public_id}


def _screen(world):
    return {"participant_id": world.participant.public_id, "screen_id": _flagged(world).public_id}


def _review(world) -> dict[str, str]:
    return {"comment": "Discussed with participant; dose unchanged."}


ENDPOINTS = {
    "screens:tab": Endpoint("GET", frozenset(CLINICAL_READ), kwargs=_participant),
    "screens:record": Endpoint("GET", frozenset(CLINICAL_READ), kwargs=_panel),
    "screens:confirmation": Endpoint(
        "POST", frozenset(CLINICAL_WRITE), kwargs=_result, data=lambda w: {"confirmation": "sent"}
    ),
    "screens:review": Endpoint(
        "POST", REVIEWERS, kwargs=_screen, data=_review, break_glass=REVIEW_GLASS
    ),
    "api:review_screen": Endpoint(
        "API_POST", REVIEWERS, kwargs=_screen, data=_review, break_glass=REVIEW_GLASS
    ),
    "api:list_screens": Endpoint("API_GET", frozenset(CLINICAL_READ), kwargs=_participant),
    "api:record_screen": Endpoint(
        "API_POST",
        frozenset(CLINICAL_WRITE),
        kwargs=_participant,
        data=lambda w: {
            "panel": CUP,
            "collected_at": COLLECTED.isoformat(),
            "observed": True,
            "results": _all_negative(),
        },
    ),
}
MORE_CASES = {
    "screens:tab": [
        Endpoint(
            "POST",
            frozenset(CLINICAL_WRITE),
            kwargs=_participant,
            data=lambda w: {"last_used_on": "2026-11-01", "substance": "alcohol"},
        ),
        Endpoint(
            "POST",
            frozenset(CLINICAL_WRITE),
            kwargs=_participant,
            data=lambda w: {"last_used_on": ""},
            status=frozenset({400}),
            case="invalid",
        ),
    ],
    "screens:record": [
        Endpoint("POST", frozenset(CLINICAL_WRITE), kwargs=_panel, data=_posted),
        Endpoint(
            "GET",
            frozenset(CLINICAL_READ),
            kwargs=_their_panel,
            status=frozenset({404}),
            case="another_organizations_panel",
        ),
        Endpoint(
            "POST",
            frozenset(CLINICAL_WRITE),
            kwargs=_their_panel,
            data=_posted,
            status=frozenset({404}),
            case="another_organizations_panel",
        ),
        Endpoint(
            "POST",
            frozenset(CLINICAL_WRITE),
            kwargs=_panel,
            data=lambda w: {"collected_at": ""},
            status=frozenset({400}),
            case="invalid",
        ),
    ],
}
