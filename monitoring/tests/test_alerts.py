"""Alerts reach the right clinician, show on the chart and home page, and close with a note."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import Action, AuditEvent
from monitoring.models import Alert, AlertStatus
from monitoring.services import acknowledge, default_assignees, raise_alert
from tandem.errors import InvalidInput
from tandem.templatetags.clock import when


def test_alert_goes_to_the_primary_clinician_or_intake_before_admission(world):
    assert default_assignees(world.participant) == [world.therapist]
    world.referral_episode.care_team.create(user=world.intake, role="intake")
    assert default_assignees(world.referral) == [world.intake]
    assert default_assignees(world.participant, roles=["case_manager"]) == [
        world.therapist,
        world.casemanager,
    ]


def test_an_alert_never_goes_to_an_account_that_was_closed(world):
    world.therapist.is_active = False  # the primary clinician left; the team row remains
    world.therapist.save(update_fields=["is_active"])
    assert default_assignees(world.participant, roles=["case_manager"]) == [world.casemanager]

    alert = raise_alert(world.participant, kind="k", severity="high", title="t")

    assert set(alert.assigned_to.all()) == {world.director, world.supervisor}


def test_with_the_team_primary_closed_the_episode_named_clinician_who_can_open_it_gets_it(world):
    world.therapist.is_active = False  # the team's primary left; the team row remains
    world.therapist.save(update_fields=["is_active"])
    world.episode.primary_clinician = world.counsellor  # on the team in another role
    world.episode.save(update_fields=["primary_clinician"])
    assert default_assignees(world.participant) == [world.counsellor]

    world.episode.primary_clinician = world.supervisor  # off the team, opens it as oversight
    world.episode.save(update_fields=["primary_clinician"])
    assert default_assignees(world.participant, roles=["peer"]) == [world.supervisor, world.peer]

    world.episode.primary_clinician = world.outsider  # off the team, cannot open it
    world.episode.save(update_fields=["primary_clinician"])
    assert default_assignees(world.participant) == [world.director, world.supervisor]


def test_choosing_who_gets_an_alert_does_not_read_the_named_clinician_the_team_holds(world):
    # The team names the therapist its primary clinician, as the episode does.
    raise_alert(world.participant, kind="k", severity="high", title="first")  # starts the chain
    with CaptureQueriesContext(connection) as given:
        raise_alert(
            world.participant, kind="k", severity="high", title="given", assign_to=[world.therapist]
        )
    with CaptureQueriesContext(connection) as chosen:
        alert = raise_alert(world.participant, kind="k", severity="high", title="chosen")

    assert list(alert.assigned_to.all()) == [world.therapist]
    # Its care team with their accounts, their roles, whether they open the record: the stay
    # the alert is raised on is read once, for the alert and its owners alike.
    assert len(chosen) - len(given) == 3


def test_same_dedupe_key_does_not_open_a_second_alert(world):
    first = raise_alert(world.participant, kind="k", severity="high", title="t", dedupe_key="x")
    second = raise_alert(world.participant, kind="k", severity="high", title="t", dedupe_key="x")
    assert first == second
    assert Alert.objects.count() == 1


def test_open_alert_shows_on_home_and_chart_until_acknowledged_with_a_note(world, login):
    alert = raise_alert(
        world.participant,
        kind="suicide-risk",
        severity="critical",
        title="PHQ-9 item 9 answered above 0",
    )
    client = login(world.therapist)
    assert b"PHQ-9 item 9 answered above 0" in client.get("/").content
    chart = client.get(reverse("participants:chart", args=[world.participant.public_id]))
    assert "1 open alert (critical — act today)" in chart.content.decode()

    url = reverse("monitoring:acknowledge", args=[world.participant.public_id, alert.public_id])
    client.post(url, {"note": ""})
    assert Alert.objects.get(pk=alert.pk).status == AlertStatus.OPEN
    client.post(url, {"note": "Same-day safety assessment done; safety plan updated."})
    alert.refresh_from_db()
    assert (alert.status, alert.acknowledged_by) == (AlertStatus.ACKNOWLEDGED, world.therapist)
    assert b"PHQ-9 item 9" not in client.get("/").content
    assert AuditEvent.objects.filter(record_id=str(alert.public_id), action=Action.CHANGE).exists()


def test_acknowledging_twice_is_refused(world):
    alert = raise_alert(world.participant, kind="k", severity="warning", title="t")
    acknowledge(alert, by=world.therapist, note="done")
    with pytest.raises(InvalidInput, match="already acknowledged"):
        acknowledge(alert, by=world.counsellor, note="also done")


def test_front_desk_sees_no_alert_flag(world, login):
    raise_alert(world.participant, kind="k", severity="critical", title="Sensitive")
    page = login(world.frontdesk).get(
        reverse("participants:chart", args=[world.participant.public_id])
    )
    assert page.status_code == 200
    assert b"open alert" not in page.content


def test_the_alerts_tab_lists_open_alerts_before_acknowledged_ones(world, login):
    still_open = raise_alert(world.participant, kind="k", severity="critical", title="Still open")
    done = raise_alert(world.participant, kind="k", severity="warning", title="Dealt with")
    acknowledge(done, by=world.therapist, note="Called back the same day.")

    page = login(world.therapist).get(
        reverse("monitoring:participant_alerts", args=[world.participant.public_id])
    )

    html = page.content.decode()
    assert still_open.created_at <= done.created_at
    assert html.index("Still open") < html.index("Dealt with")


def test_the_chart_header_names_the_worst_of_several_open_alerts(world, login):
    raise_alert(world.participant, kind="k", severity="warning", title="Missed two days")
    raise_alert(world.participant, kind="j", severity="high", title="Overdose risk")
    chart = login(world.therapist).get(
        reverse("participants:chart", args=[world.participant.public_id])
    )
    assert "2 open alerts (worst: high)" in chart.content.decode()


def test_the_alerts_tab_lists_the_worst_open_alert_first_however_old(world, login):
    """As the home page does: a critical alert raised this morning stays above a missed-session
    alert raised after it, and an acknowledged critical one goes below every open one."""
    critical = raise_alert(world.participant, kind="k", severity="critical", title="Item 9 above 0")
    later = raise_alert(world.participant, kind="m", severity="warning", title="Missed two")
    old_critical = raise_alert(world.participant, kind="o", severity="critical", title="Settled")
    acknowledge(old_critical, by=world.therapist, note="Safety plan reviewed the same day.")

    page = login(world.therapist).get(
        reverse("monitoring:participant_alerts", args=[world.participant.public_id])
    )

    html = page.content.decode()
    assert critical.created_at <= later.created_at
    assert html.index("Item 9 above 0") < html.index("Missed two") < html.index("Settled")


def _alerts_tab(client, world) -> str:
    url = reverse("monitoring:participant_alerts", args=[world.participant.public_id])
    return client.get(url).content.decode()


def test_an_acknowledged_alert_says_who_acknowledged_it_when_and_what_they_did(world, login):
    done = raise_alert(world.participant, kind="k", severity="warning", title="Dealt with")
    acknowledge(done, by=world.therapist, note="Called back the same day.")
    done.refresh_from_db()
    client = login(world.therapist)

    html = _alerts_tab(client, world)

    said = (
        f'Acknowledged by <span class="name">{world.therapist}</span> on '
        f"{when(done.acknowledged_at, world.program.time_zone)}: Called back the same day."
    )
    assert said in html


def test_the_alerts_tab_reads_no_more_for_more_acknowledged_alerts(world, login):
    client = login(world.therapist)

    def acknowledged(n: int) -> None:
        for i in range(n):
            alert = raise_alert(world.participant, kind="k", severity="warning", title=f"A{i}")
            acknowledge(alert, by=world.therapist, note="Seen to.")

    acknowledged(1)
    _alerts_tab(client, world)  # the session's first request settles its bookkeeping
    with CaptureQueriesContext(connection) as one:
        _alerts_tab(client, world)
    acknowledged(4)
    with CaptureQueriesContext(connection) as five:
        html = _alerts_tab(client, world)

    assert html.count(f'Acknowledged by <span class="name">{world.therapist}</span>') == 5
    assert len(five) == len(one)
