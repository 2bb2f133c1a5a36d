"""Discharge ends future enrolments, the care team, and every open alert by the clinician's
explicit choice; the old status change cannot discharge a participant in care."""

from datetime import date, time

import pytest

from attendance.tests.builders import enrol, make_session
from discharge.handover import open_items
from discharge.models import Handover
from discharge.services import ItemChoice
from discharge.tests.builders import DISCHARGE_DAY, discharge_world
from monitoring.models import Alert, AlertStatus
from monitoring.services import raise_alert
from participants.models import CareTeamMember, Episode
from participants.services import transition_episode
from scheduling.models import Enrolment
from tandem.errors import InvalidInput
from worklist.models import Task, TaskStatus
from worklist.services import create_task


def _alert(world, key):
    return raise_alert(
        world.participant, kind="test", severity="high", title=f"Alert {key}", dedupe_key=key
    )


def test_future_enrolments_and_the_care_team_end(world):
    before = make_session(world.program, date(2026, 11, 19), title="Before")
    after = make_session(world.program, date(2026, 11, 23), start=time(9, 0), title="After")
    enrol(before, world.episode)
    enrol(after, world.episode)
    discharge_world(world)
    kept = set(
        Enrolment.objects.filter(episode=world.episode).values_list("session__title", flat=True)
    )
    assert kept == {"Before"}
    ended = CareTeamMember.objects.filter(episode=world.episode).values_list("ended_on", flat=True)
    assert set(ended) == {DISCHARGE_DAY}


def test_each_open_alert_must_be_closed_or_handed_over(world):
    _alert(world, "a")
    with pytest.raises(InvalidInput, match="close or hand over: Alert a"):
        discharge_world(world)
    assert Episode.objects.get(pk=world.episode.pk).status == "active"


def test_alerts_are_closed_or_handed_over_as_chosen(world):
    closed, handed = _alert(world, "a"), _alert(world, "b")
    keys = {item.title: item.key for item in open_items(world.participant)}
    record = discharge_world(
        world,
        choices={
            keys["Alert a"]: ItemChoice("closed", note="Resolved at the last session."),
            keys["Alert b"]: ItemChoice("handed_over", to=world.supervisor),
        },
    )
    closed.refresh_from_db()
    assert closed.status == AlertStatus.ACKNOWLEDGED
    handed = Alert.objects.get(pk=handed.pk)
    assert handed.status == AlertStatus.OPEN
    assert list(handed.assigned_to.all()) == [world.supervisor]
    rows = {h.title: (h.choice, h.handed_to) for h in Handover.objects.filter(discharge=record)}
    assert rows == {"Alert a": ("closed", None), "Alert b": ("handed_over", world.supervisor)}


def test_a_handover_names_staff_of_the_organization(world):
    _alert(world, "a")
    (item,) = open_items(world.participant)
    with pytest.raises(InvalidInput, match="Name the staff member"):
        discharge_world(world, choices={item.key: ItemChoice("handed_over", to=world.stranger)})


@pytest.mark.parametrize("persona", ["frontdesk", "outsider"])
def test_a_handover_names_someone_who_can_open_the_record(world, persona):
    alert = _alert(world, "a")
    (item,) = open_items(world.participant)
    with pytest.raises(InvalidInput, match="cannot open this participant's record"):
        discharge_world(
            world, choices={item.key: ItemChoice("handed_over", to=world.users[persona])}
        )
    assert list(Alert.objects.get(pk=alert.pk).assigned_to.all()) == [world.therapist]
    assert not Handover.objects.exists()


def test_a_task_handed_over_to_its_owner_is_refused_up_front_naming_the_item(world):
    alert = _alert(world, "a")
    task = create_task(
        title="Call the probation officer",
        due_on=DISCHARGE_DAY,
        by=world.therapist,
        participant=world.participant,
        owner=world.therapist,
    )
    keys = {item.title: item.key for item in open_items(world.participant)}
    with pytest.raises(InvalidInput, match="has it already") as refused:
        discharge_world(
            world,
            choices={
                keys["Alert a"]: ItemChoice("handed_over", to=world.supervisor),
                keys["Call the probation officer"]: ItemChoice("handed_over", to=world.therapist),
            },
        )
    assert refused.value.field == keys["Call the probation officer"]
    assert "Call the probation officer" in refused.value.message
    assert list(Alert.objects.get(pk=alert.pk).assigned_to.all()) == [world.therapist]
    assert Task.objects.get().pk == task.pk and task.status == TaskStatus.OPEN
    assert not Handover.objects.exists()


@pytest.mark.parametrize("to_status", ["discharged", "transferred_out"])
def test_the_status_change_cannot_discharge_a_participant_in_care(world, to_status):
    with pytest.raises(InvalidInput, match="Use the discharge page"):
        transition_episode(
            world.episode,
            to_status=to_status,
            by=world.therapist,
            on=DISCHARGE_DAY,
            reason="Completed the program.",
            expected_version=world.episode.version,
            confirmed=True,
        )
    assert Episode.objects.get(pk=world.episode.pk).status == "active"


def test_a_discharge_before_admission_or_in_the_future_is_refused(world):
    with pytest.raises(InvalidInput, match="before admission"):
        discharge_world(world, on=date(2026, 9, 2))
    with pytest.raises(InvalidInput, match="cannot be in the future"):
        discharge_world(world, on=date(2026, 11, 21))
    assert not world.participant.discharges.exists()


def test_a_moud_gap_is_flagged(world):
    record = discharge_world(world, aftercare={"on_moud": True, "medications": "Buprenorphine"})
    assert record.aftercare.moud_gap
    record.aftercare.next_prescriber = "Dr Lane, Eastside clinic"
    assert not record.aftercare.moud_gap
