"""An adulterated or substituted specimen read as the clinical reference reads it (§10,
"Tampered = presumptive positive", ASAM): a presumptive positive, on the tab, in the API and
in the screens to review, and treated as use in days since last known use and the plan's
drug-screen measures, where a negative screen changes nothing; a confirmation on it leaves it
so, and after check-ins that said no use it differs from the self-report."""

import json
import re
from datetime import date, timedelta

import pytest
import time_machine
from django.urls import reverse

from audit.models import AuditEvent
from screens import measures, self_report
from screens.models import ScreenResult
from screens.self_report import SelfReport
from screens.services import record_confirmation, record_last_use, review_screen
from screens.tests.conftest import CHICAGO, COLLECTED

SUBSTITUTED = (
    "Presumptive positive: the specimen was substituted (clinical reference §10, ASAM); "
    "treated as use until shown otherwise."
)


def _tab(client, world) -> str:
    return client.get(reverse("screens:tab", args=[world.participant.public_id])).content.decode()


def _review_panel(client) -> str:
    found = re.search(
        r'<section class="card" aria-labelledby="screens-to-review-heading">.*?</section>',
        client.get("/").content.decode(),
        re.S,
    )
    return found.group(0) if found else ""


def _header(client, world, days: int) -> str:
    with time_machine.travel(COLLECTED + timedelta(days=days), tick=False):
        page = client.get(reverse("participants:chart", args=[world.participant.public_id]))
    return page.content.decode()


def test_a_substituted_specimen_reads_as_a_presumptive_positive_on_the_tab(
    world, login, screen_with
):
    screen_with(validity="substituted", THC="invalid")

    page = _tab(login(world.therapist), world)

    assert f'<li class="flag flag-warning">{SUBSTITUTED}</li>' in page
    assert "Presumptive positive (tampered specimen)</span>" in page
    # The analyte the lab could not read stays invalid; no readable analyte is.
    assert page.count(">Invalid</span>") == 1
    assert "Invalid: Marijuana (THC-COOH)" in page


def test_the_api_gives_a_substituted_specimen_its_presumptive_positive_reading(world, login, cup):
    client = login(world.therapist)
    response = client.post(
        f"/api/v1/participants/{world.participant.public_id}/drug-screens",
        json.dumps(
            {
                "panel": "urine-cup-hhs",
                "collected_at": COLLECTED.isoformat(),
                "observed": True,
                "validity": "substituted",
                "results": {a.code: "negative" for a in cup.analytes.all()},
            }
        ),
        content_type="application/json",
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["specimen_reading"] == {"reading": "presumptive-positive", "why": SUBSTITUTED}
    assert {r["flag"] for r in body["interpretation"]} == {"tampered-specimen"}
    assert body["needs_review"] is True


def test_a_valid_screen_has_no_specimen_reading(world, login, screen_with):
    screen_with()
    listed = login(world.therapist).get(
        f"/api/v1/participants/{world.participant.public_id}/drug-screens"
    )
    assert listed.json()[0]["specimen_reading"] is None


def test_a_substituted_specimen_waits_in_the_screens_to_review_as_a_presumptive_positive(
    world, login, screen_with
):
    screen = screen_with(validity="substituted")

    panel = _review_panel(login(world.prescriber))

    assert f"#screen-{screen.public_id}" in panel
    assert SUBSTITUTED in panel
    assert "Invalid" not in panel


def test_a_substituted_specimen_is_the_last_known_use_where_a_negative_is_not(
    world, login, screen_with
):
    record_last_use(
        world.participant, by=world.therapist, last_used_on=date(2026, 10, 27), now=COLLECTED
    )
    client = login(world.therapist)
    screen_with(when=COLLECTED - timedelta(days=2))  # a negative: says nothing of last use
    assert "23 days since last known use (clinician entry)" in _header(client, world, 3)

    screen_with(validity="substituted")
    screen_with(when=COLLECTED + timedelta(days=1))  # a later negative changes nothing

    assert "3 days since last known use (substituted specimen, presumptive positive)" in _header(
        client, world, 3
    )


def test_a_tampered_screen_stored_with_the_invalid_flag_reads_the_same(world, login, screen_with):
    """Stored screens are never rewritten: one recorded before the flag existed keeps its
    stored "Invalid" rows, and its recorded validity still makes it a presumptive positive."""
    screen = screen_with(validity="adulterated")
    ScreenResult.objects.filter(screen=screen).update(
        flag="invalid", flag_reason="The specimen was adulterated."
    )
    client = login(world.therapist)

    assert "Presumptive positive: the specimen was adulterated" in _tab(client, world)
    assert "(adulterated specimen, presumptive positive)" in _header(client, world, 1)


def test_a_tampered_latest_screen_is_no_clear_screen_for_the_plan(world, screen_with):
    screen_with(when=COLLECTED - timedelta(days=7))
    screen_with(validity="adulterated")
    participant, episode = world.participant.pk, world.episode.pk

    latest = measures.unexplained(participant, episode)
    run = measures.clear_run(participant, episode)

    assert latest is not None and latest.value > 0
    assert run is not None and run.value == 0


def test_the_trajectory_counts_a_tampered_specimen_with_the_unexplained_positives(
    world, screen_with
):
    from measurement.trajectory import monday
    from screens.trajectory import weekly_series

    screen_with(validity="substituted", THC="positive")
    week = monday(COLLECTED.date())

    unexplained, _ = weekly_series(world.participant, week, CHICAGO, None)

    assert unexplained.weekly[week] > 0


def _api_screen(client, world) -> dict:
    [screen] = client.get(f"/api/v1/participants/{world.participant.public_id}/drug-screens").json()
    return screen


@pytest.mark.parametrize("confirmation", ["negative", "positive"])
def test_a_confirmation_on_a_tampered_specimen_leaves_it_a_presumptive_positive(
    world, login, screen_with, confirmation
):
    """§10 reads a tampered specimen as a presumptive positive and names nothing that clears
    it: the lab confirms on that same specimen, so each analyte keeps its tampered reading
    and the participant's reading stays use until shown otherwise."""
    screen = screen_with(validity="adulterated", THC="positive")
    for result in screen.results.all():
        record_confirmation(result, by=world.therapist, confirmation=confirmation, now=COLLECTED)
    client = login(world.therapist)

    thc = ScreenResult.objects.get(screen=screen, analyte__code="THC")
    assert (thc.standing_result, thc.flag) == (confirmation, "tampered-specimen")
    body = _api_screen(client, world)
    assert {r["flag"] for r in body["interpretation"]} == {"tampered-specimen"}
    assert body["specimen_reading"]["reading"] == "presumptive-positive"
    assert body["needs_review"] is True
    assert "(adulterated specimen, presumptive positive)" in _header(client, world, 1)
    latest = measures.unexplained(world.participant.pk, world.episode.pk)
    assert latest is not None and latest.value > 0


DIFFERS = (
    "Differs from self-report: No use reported in 3 daily check-ins since the last screen, and "
    "the specimen was substituted (a presumptive positive)."
)


def test_a_tampered_specimen_after_check_ins_said_no_use_differs_from_the_self_report(
    world, login, said_no_use, screen_with
):
    """§10 rule 4 flags a screen discordant with the self-report for the clinician, and a
    tampered specimen is a presumptive positive: said once for the whole specimen."""
    screen = screen_with(validity="substituted")
    client = login(world.prescriber)

    assert f'<li class="flag flag-warning">{DIFFERS}</li>' in _tab(client, world)
    assert DIFFERS in _review_panel(client)
    body = _api_screen(client, world)
    assert body["self_report_discordance"] == DIFFERS.removeprefix("Differs from self-report: ")
    assert {r["flag"] for r in body["interpretation"]} == {"tampered-specimen"}
    recorded = AuditEvent.objects.get(event_type="drug_screen.recorded")
    assert recorded.details["flags"] == ["self-report-discordant", "tampered-specimen"]

    review_screen(screen, by=world.prescriber, comment="Discussed; repeat observed.", now=COLLECTED)
    reviewed = AuditEvent.objects.get(event_type="drug_screen.reviewed")
    assert reviewed.details["flags"] == ["self-report-discordant", "tampered-specimen"]


def test_a_tampered_specimen_after_reported_use_does_not_differ(world, login, screen_with):
    def provider(participant, since, until):
        return SelfReport(reports=2, any_use=True, source="daily check-ins")

    self_report.PROVIDERS.register(provider)
    try:
        screen = screen_with(validity="adulterated")
    finally:
        self_report.PROVIDERS.unregister(provider)

    assert screen.self_report_discordance == ""
    assert "Differs from self-report" not in _tab(login(world.therapist), world)


def test_a_valid_negative_after_check_ins_said_no_use_differs_from_nothing(
    world, login, said_no_use, screen_with
):
    screen_with()
    client = login(world.therapist)

    assert _api_screen(client, world)["self_report_discordance"] is None
    assert "Differs from self-report" not in _tab(client, world)
