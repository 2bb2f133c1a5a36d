"""Ending someone's place on the care team: the place ends (kept, with who, when and why),
what they held for the participant goes back to the team, and the primary clinician is
replaced, never simply ended."""

import html
from datetime import date, timedelta
from uuid import uuid4

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from audit.models import Action, AuditEvent, Outcome
from audit.selectors import trail_line
from audit.services import record_event
from discharge.models import FollowUp, FollowUpStatus
from discharge.selectors import call_list
from discharge.tests.builders import DISCHARGE_AFTERNOON, discharge_world
from monitoring.models import Alert
from monitoring.services import raise_alert
from participants.access import Scope, decide
from participants.models import CareTeamMember, CareTeamRole, PlaceEnd
from participants.services import add_care_team_member, end_care_team_membership
from placement import services as placement
from placement.tests.builders import record
from tandem.errors import ConcurrentEdit, InvalidInput
from worklist.models import Task, TaskStatus
from worklist.services import create_task

REASON = "Moved to the evening group's team."


def _place(world, name: str, role: str | None = None) -> CareTeamMember:
    rows = CareTeamMember.objects.select_related("episode__participant", "user").filter(
        episode=world.episode, user=world.users[name], ended_on__isnull=True
    )
    return rows.get(role=role) if role else rows.get()


def _page(world) -> str:
    return reverse("participants:care_team_add", args=[world.participant.public_id])


def _end_url(world, member) -> str:
    return reverse(
        "participants:care_team_end", args=[world.participant.public_id, member.public_id]
    )


def _team_in_header(html: str) -> str:
    start = html.index("<dt>Care team</dt>")
    return html[start : html.index("</dd>", start)]


def _task(world, owner, role: str = "", title: str = "Call the housing office") -> Task:
    return create_task(
        title=title,
        due_on=date(2026, 12, 10),
        participant=world.participant,
        owner=owner,
        owner_role=role,
        by=None,
    )


def test_ending_a_place_takes_them_off_the_team_and_the_chart_keeps_the_row(world, login):
    client = login(world.director)
    page = client.get(_page(world)).content.decode()
    peer = _place(world, "peer")
    assert "Peer Tester" in _team_in_header(page)
    assert _end_url(world, peer) in page

    response = client.post(
        _end_url(world, peer), {"reason": REASON, "version": peer.version}, follow=True
    )

    text = response.content.decode()
    assert "Peer Tester is no longer on the care team as peer specialist" in text
    assert "Peer Tester" not in _team_in_header(text)
    assert _end_url(world, peer) not in text
    chart = client.get(reverse("participants:chart", args=[world.participant.public_id]))
    assert "Peer Tester" not in _team_in_header(chart.content.decode())
    ended = CareTeamMember.objects.get(pk=peer.pk)
    assert ended.ended_on is not None and ended.ended_at is not None
    assert ended.modified_at == ended.ended_at > peer.modified_at  # what changed since reads it
    assert (ended.ended_by, ended.end_reason) == (world.director, REASON)
    assert not decide(world.peer, world.participant, Action.VIEW, Scope.CLINICAL).allowed


def test_their_tasks_and_alerts_go_to_whoever_holds_the_role_else_the_primary(world, login):
    # A second nurse on the team: the nurse's task goes to her; the rest to the primary.
    add_care_team_member(
        world.episode, user=world.outsider, role=CareTeamRole.NURSE, by=world.director
    )
    nursing = _task(world, world.nurse, CareTeamRole.NURSE, "Check the vitals log")
    own = _task(world, world.nurse, "", "Call the pharmacy")
    others = _task(world, world.counsellor, CareTeamRole.COUNSELLOR, "Relapse plan review")
    alert = raise_alert(
        world.participant,
        kind="manual",
        severity="high",
        title="Missed two days",
        assign_to=[world.nurse, world.counsellor],
    )
    nurse = _place(world, "nurse")

    login(world.director).post(_end_url(world, nurse), {"reason": REASON, "version": nurse.version})

    open_tasks = Task.objects.filter(participant=world.participant, status=TaskStatus.OPEN)
    owners = {t.title: t.owner.username for t in open_tasks}
    assert owners == {
        "Check the vitals log": "outsider",
        "Call the pharmacy": "therapist",
        "Relapse plan review": "counsellor",
    }
    for handed in (nursing, own):
        assert Task.objects.get(pk=handed.pk).status == TaskStatus.HANDED_OVER
    assert Task.objects.get(pk=others.pk).status == TaskStatus.OPEN
    assigned = set(Alert.objects.get(pk=alert.pk).assigned_to.values_list("username", flat=True))
    assert assigned == {"counsellor", "therapist"}


def test_someone_staying_on_the_team_in_another_role_keeps_that_roles_work(world):
    add_care_team_member(
        world.episode, user=world.nurse, role=CareTeamRole.CASE_MANAGER, by=world.director
    )
    nursing = _task(world, world.nurse, CareTeamRole.NURSE, "Check the vitals log")
    casework = _task(world, world.nurse, CareTeamRole.CASE_MANAGER, "Bus pass renewal")
    alert = raise_alert(
        world.participant, kind="manual", severity="low", title="Late", assign_to=[world.nurse]
    )
    nurse = _place(world, "nurse", CareTeamRole.NURSE)

    end_care_team_membership(nurse, by=world.director, reason=REASON, expected_version=1)

    assert Task.objects.get(pk=nursing.pk).status == TaskStatus.HANDED_OVER
    assert Task.objects.get(pk=casework.pk).status == TaskStatus.OPEN
    assert list(Alert.objects.get(pk=alert.pk).assigned_to.all()) == [world.nurse]


def test_the_history_tells_who_took_whom_off_and_where_their_tasks_went(world, login):
    _task(world, world.peer, CareTeamRole.PEER, "Recovery meeting list")
    peer = _place(world, "peer")

    client = login(world.supervisor)
    client.post(_end_url(world, peer), {"reason": REASON, "version": peer.version})

    history = client.get(reverse("participants:history", args=[world.participant.public_id]))
    text = history.content.decode()
    assert "Supervisor Tester took a member off the care team" in text
    assert f"Peer Tester (peer specialist) left the care team — {REASON}" in html.unescape(text)
    event = AuditEvent.objects.get(event_type="care_team.member_ended")
    assert event.reason == REASON and event.actor == world.supervisor
    handed = AuditEvent.objects.get(event_type="worklist.task_handed_over")
    assert handed.actor == world.supervisor
    assert event.details["tasks_handed_back"] == [handed.details["successor"]]


@pytest.mark.parametrize("persona", ["frontdesk", "billing", "auditor", "outsider"])
def test_a_role_that_may_not_change_the_team_is_refused_and_nothing_changes(world, login, persona):
    peer = _place(world, "peer")
    response = login(world.users[persona]).post(
        _end_url(world, peer), {"reason": REASON, "version": peer.version}
    )
    assert response.status_code == 403
    assert CareTeamMember.objects.get(pk=peer.pk).ended_on is None
    refused = AuditEvent.objects.filter(actor=world.users[persona], outcome=Outcome.REFUSED)
    assert refused.count() == 1


def test_a_stale_page_gets_a_conflict_message_and_ends_nothing_twice(world, login):
    peer = _place(world, "peer")
    end_care_team_membership(peer, by=world.director, reason=REASON, expected_version=1)

    response = login(world.therapist).post(
        _end_url(world, peer), {"reason": "Leaving the program.", "version": 1}, follow=True
    )

    assert "was changed by someone else after you opened it" in response.content.decode()
    assert CareTeamMember.objects.get(pk=peer.pk).ended_by == world.director
    assert AuditEvent.objects.filter(event_type="care_team.member_ended").count() == 1


def test_a_place_ended_another_way_is_stale_too(world):
    """Every end of a place gives it a new version (here as a replacement ends the primary
    clinician's), so a page that still offers it is refused as stale."""
    primary = _place(world, "therapist")
    add_care_team_member(
        world.episode,
        user=world.counsellor,
        role=CareTeamRole.PRIMARY_CLINICIAN,
        by=world.director,
        replaces=world.therapist,
    )
    with pytest.raises(ConcurrentEdit):
        end_care_team_membership(primary, by=world.director, reason=REASON, expected_version=1)


def test_a_replaced_primary_clinicians_place_says_who_replaced_them_and_who_did_it(world):
    primary = _place(world, "therapist")
    add_care_team_member(
        world.episode,
        user=world.counsellor,
        role=CareTeamRole.PRIMARY_CLINICIAN,
        by=world.director,
        replaces=world.therapist,
    )
    ended = CareTeamMember.objects.get(pk=primary.pk)
    assert ended.ended_on is not None and ended.ended_at is not None
    assert (ended.ended_by, ended.ended_how) == (world.director, PlaceEnd.REPLACED)
    # The stay changed too (its primary clinician), and says when, as the place does.
    episode = type(world.episode).objects.get(pk=world.episode.pk)
    assert episode.modified_at > world.episode.modified_at
    assert ended.modified_at == ended.ended_at > primary.modified_at
    assert ended.end_reason == "Replaced as primary clinician by Counsellor Tester."


def test_places_ended_by_a_discharge_say_who_discharged_and_why(world):
    places = list(CareTeamMember.objects.filter(episode=world.episode, ended_on__isnull=True))
    discharge_world(world, by=world.therapist)
    for place in CareTeamMember.objects.filter(pk__in=[p.pk for p in places]):
        assert place.ended_at == DISCHARGE_AFTERNOON
        assert (place.ended_by, place.ended_how) == (world.therapist, PlaceEnd.LEFT_CARE)
        assert place.end_reason == "Discharged: the care team ends with the stay."


def test_the_intake_place_ended_at_admission_says_who_admitted(world):
    episode = world.referral_episode
    intake = episode.care_team.create(user=world.intake, role=CareTeamRole.INTAKE)
    record(episode, by=world.intake)
    episode.refresh_from_db()
    placement.admit(
        episode,
        by=world.intake,
        on=date(2026, 11, 9),
        primary_clinician=world.therapist,
        expected_version=episode.version,
    )
    ended = CareTeamMember.objects.get(pk=intake.pk)
    assert ended.ended_on == date(2026, 11, 9) and ended.ended_at is not None
    assert (ended.ended_by, ended.ended_how) == (world.intake, PlaceEnd.ADMISSION)
    assert ended.end_reason == "Admitted: intake ends at admission."


def test_the_database_refuses_an_end_without_who_how_and_why(world):
    peer = _place(world, "peer")
    with pytest.raises(IntegrityError), transaction.atomic():
        CareTeamMember.objects.filter(pk=peer.pk).update(
            ended_on=date(2026, 12, 1), ended_at=DISCHARGE_AFTERNOON, end_reason=REASON
        )


def test_the_primary_clinician_is_replaced_not_simply_ended(world, login):
    primary = _place(world, "therapist")
    client = login(world.director)
    page = client.get(_page(world)).content.decode()
    assert _end_url(world, primary) not in page
    assert "add another clinician as primary clinician, replacing Therapist Tester" in page

    response = client.post(
        _end_url(world, primary), {"reason": REASON, "version": primary.version}, follow=True
    )

    assert "Therapist Tester is the primary clinician and cannot simply leave" in (
        response.content.decode()
    )
    assert CareTeamMember.objects.get(pk=primary.pk).ended_on is None
    assert not AuditEvent.objects.filter(event_type="care_team.member_ended").exists()


def test_a_reason_is_needed(world):
    with pytest.raises(InvalidInput, match="Say why this person leaves"):
        end_care_team_membership(
            _place(world, "peer"), by=world.director, reason="  ", expected_version=1
        )
    assert _place(world, "peer").ended_on is None


def test_the_htmx_form_gets_the_page_back_with_the_team_as_it_now_stands(world, login):
    peer = _place(world, "peer")
    response = login(world.director).post(
        _end_url(world, peer),
        {"reason": REASON, "version": peer.version},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert 'id="main"' in text and "is no longer on the care team" in text
    assert "Peer Tester" not in _team_in_header(text)


def test_someone_taken_off_the_team_on_the_day_of_discharge_is_not_its_team_at_discharge(world):
    """The care team at discharge keeps reading the chart; someone taken off it by hand that
    morning left before, and does not."""
    end_care_team_membership(
        _place(world, "peer"),
        by=world.director,
        reason=REASON,
        expected_version=1,
        now=DISCHARGE_AFTERNOON - timedelta(hours=5),
    )
    discharge_world(world)
    assert decide(world.counsellor, world.participant, Action.VIEW, Scope.CLINICAL).allowed
    assert not decide(world.peer, world.participant, Action.VIEW, Scope.CLINICAL).allowed


def test_someone_taken_off_the_team_on_the_day_of_discharge_calls_no_follow_up(world):
    """The follow-up call list is the care team at discharge's: the case manager taken off
    the team that morning left it before, and does not get the calls."""
    case_manager = _place(world, "casemanager")
    end_care_team_membership(
        case_manager,
        by=world.director,
        reason=REASON,
        expected_version=1,
        now=DISCHARGE_AFTERNOON - timedelta(hours=5),
    )
    discharge_world(world)
    FollowUp.objects.update(status=FollowUpStatus.TO_CALL)

    assert list(call_list(world.casemanager)) == []
    assert len(call_list(world.nurse)) == FollowUp.objects.count() > 0


def _trail(world, login) -> str:
    response = login(world.auditor).get(reverse("audit:trail"))
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def test_the_auditor_reads_who_left_the_team_with_a_discharge_and_why(world, login):
    discharge_world(world, by=world.therapist)

    assert (
        "Therapist Tester changed the episode status (therapist) · Therapist Tester (primary "
        "clinician), Counsellor Tester (addiction counsellor), Prescriber Tester (psychiatric "
        "prescriber), Nurse Tester (nurse), Casemanager Tester (case manager), Peer Tester (peer "
        "specialist) left the care team — Discharged: the care team ends with the stay."
    ) in _trail(world, login)
    event = AuditEvent.objects.get(event_type="episode.status_changed")
    therapist = event.details["care_team_ended"][0]
    assert therapist["user"] == world.therapist.pk
    assert therapist["place"] == str(_ended(world, "therapist").public_id)


def _ended(world, name: str) -> CareTeamMember:
    return CareTeamMember.objects.get(
        episode=world.episode, user=world.users[name], ended_on__isnull=False
    )


def test_the_auditor_reads_whom_a_new_primary_clinician_replaced(world, login):
    add_care_team_member(
        world.episode,
        user=world.counsellor,
        role=CareTeamRole.PRIMARY_CLINICIAN,
        by=world.director,
        replaces=world.therapist,
    )

    assert (
        "Director Tester changed the primary clinician (program director) · Therapist Tester "
        "(primary clinician) left the care team — Replaced as primary clinician by Counsellor "
        "Tester."
    ) in _trail(world, login)


def test_an_event_written_before_it_named_the_ended_places_reads_as_it_did(world):
    event = record_event(
        actor=world.director,
        event_type="episode.status_changed",
        participant=world.participant,
        role="director",
        details={"care_team_ended": [str(uuid4())]},
    )
    assert trail_line(event) == (
        "Director Tester changed the episode status (program director) · participant T-000001"
    )
