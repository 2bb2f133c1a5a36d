"""The synthetic installation at a small size: several synthetic organizations, every
clinician's caseload within 15 to 40, every kind of history present, the derived stores
rebuilt, the row counts it reports true, and an audit trail that verifies."""

import itertools
import random
from collections import Counter
from datetime import date, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest
from django.db.models import Count

from accounts.models import Membership, Organization, Program, Role
from assessments.models import Administration
from attendance.models import Attendance, WeeklyMinutes
from audit.models import AuditEvent, ChainHead, ListedParticipant
from audit.services import verify_chain
from billing.models import ConsentPayer, Coverage, IopCertification, Payer, PerDiemCode
from conftest import shared_transaction
from consent.models import Consent, ConsentKind
from discharge.models import (
    DEFAULT_FOLLOW_UP_DAYS,
    PENDING_STATUSES,
    ContactConsent,
    Discharge,
    FollowUp,
    FollowUpAnswers,
    FollowUpStatus,
)
from discharge.types import TEDS_REASON_OF
from measurement.models import FirstDue, NextDue
from monitoring.models import Alert, AlertStatus
from notes import seeds as notes_seeds
from notes.models import AbsenceEntry, GroupNote, ProgressNote
from notes.selectors import LOOKBACK_DAYS, sessions_needing_a_note
from outcomes import installation, synthetic_care
from participants.history import events_for
from participants.models import (
    IN_CARE_STATUSES,
    CareTeamMember,
    Episode,
    EpisodeStatus,
    Participant,
    PlaceEnd,
)
from participants.services import left_care_end_reason
from plans.models import PlanReview, ReviewSchedule, TreatmentPlan
from scheduling.models import Enrolment, Group, Room, Session, SessionMode
from scheduling.selectors import program_staff
from worklist.models import Task, TaskStatus

TODAY = date(2026, 3, 4)


@pytest.fixture(scope="module")
def made(django_db_setup, django_db_blocker):
    with shared_transaction(django_db_blocker):
        notes_seeds.seed()  # data-migration rows vanish after a transactional test
        yield installation.installation(
            participants=56, today=TODAY, organizations=2, years=1, in_care=0.75
        )


pytestmark = pytest.mark.django_db


def test_a_past_stay_s_care_team_place_ended_as_leaving_care_ends_it(made):
    """Who ended it (the clinician who recorded the discharge), when, how and why, in the
    words a real discharge writes."""
    ended = list(
        CareTeamMember.objects.filter(ended_on__isnull=False).select_related("episode__program")
    )
    assert ended
    for place in ended:
        assert place.ended_on == place.episode.discharged_on
        assert place.ended_at is not None
        assert place.ended_at.astimezone(place.episode.program.tz).date() == place.ended_on
        assert (place.ended_by_id, place.ended_how, place.end_reason) == (
            place.episode.primary_clinician_id,
            PlaceEnd.LEFT_CARE,
            left_care_end_reason(place.episode.status),
        )


def test_several_synthetic_organizations_each_with_two_programs(made):
    organizations = Organization.objects.filter(pk__in=[o.pk for o in made.organizations])
    assert organizations.count() == 2
    assert all(o.is_synthetic for o in organizations)
    assert all(o.programs.count() == 2 for o in organizations)
    per_org = Episode.objects.values("program__organization").annotate(n=Count("pk"))
    assert sorted(row["n"] for row in per_org) == [21, 35]


def test_every_clinician_carries_15_to_40_in_care_through_the_care_team(made):
    clinicians = Membership.objects.filter(role__in=[Role.THERAPIST, Role.COUNSELLOR])
    sizes = {
        row["user"]: row["n"]
        for row in CareTeamMember.objects.filter(
            ended_on__isnull=True, episode__status__in=IN_CARE_STATUSES
        )
        .values("user")
        .annotate(n=Count("episode__participant", distinct=True))
    }
    assert set(sizes) == set(clinicians.values_list("user", flat=True))
    assert all(15 <= n <= 40 for n in sizes.values()), sizes
    in_care = Episode.objects.filter(status__in=IN_CARE_STATUSES)
    assert in_care.count() == sum(sizes.values()) == 26 + 16
    assert not in_care.filter(care_team__isnull=True).exists()


def test_every_kind_of_history_is_there(made):
    for model in (
        Administration,
        Attendance,
        Enrolment,
        ProgressNote,
        TreatmentPlan,
        PlanReview,
        Alert,
        Discharge,
        WeeklyMinutes,
        NextDue,
        FirstDue,
        ReviewSchedule,
    ):
        assert model.objects.exists(), model.__name__
    ended = Episode.objects.filter(
        status__in=[EpisodeStatus.DISCHARGED, EpisodeStatus.TRANSFERRED_OUT]
    )
    assert ended.count() == Discharge.objects.count() > 0
    assert all(d.teds_reason == TEDS_REASON_OF[d.type] for d in Discharge.objects.all())
    assert ProgressNote.objects.filter(signed_at__isnull=False).exists()
    assert Attendance.objects.values("session__date").distinct().count() > 100


def test_the_counts_it_reports_are_the_rows_written(made):
    for model in (
        AuditEvent,
        ListedParticipant,
        Attendance,
        Enrolment,
        Administration,
        ProgressNote,
        Discharge,
        ReviewSchedule,
        Coverage,
        Consent,
        ConsentPayer,
        IopCertification,
        Room,
    ):
        assert made.rows[model._meta.db_table] == model.objects.count(), model.__name__
    assert made.total == sum(made.rows.values()) > 5_000


def test_the_audit_trail_verifies_one_chain_per_organization(made):
    report = verify_chain()
    assert report.ok, report.problem
    assert report.checked == AuditEvent.objects.count() > 1000
    heads = ChainHead.objects.filter(organization__in=made.organizations)
    assert heads.count() == 2
    kinds = set(AuditEvent.objects.values_list("event_type", flat=True))
    assert {"chart.viewed", "note.signed", "assessment.recorded", "discharge.recorded"} <= kinds


def test_each_past_roll_call_was_opened_listing_everyone_on_it(made):
    """As the roll call page audits itself: one event listing the session's participants,
    linked to each, so each one's history finds it."""
    viewed = AuditEvent.objects.filter(event_type="roll_call.viewed")
    taken = AuditEvent.objects.filter(event_type="roll_call.taken")
    assert viewed.count() == taken.count() > 100
    for event in viewed.order_by("?")[:20]:
        session = Session.objects.get(public_id=event.record_id)
        on_it = set(
            Attendance.objects.filter(session=session).values_list("participant_id", flat=True)
        )
        assert set(event.listed.values_list("participant_id", flat=True)) == on_it
        assert sorted(event.details["participants"]) == sorted(
            str(p)
            for p in Participant.objects.filter(pk__in=on_it).values_list("public_id", flat=True)
        )
    someone = ListedParticipant.objects.order_by("?").first()
    assert someone is not None
    assert events_for(someone.participant).filter(pk=someone.event_id).exists()


# Real-shaped lists: groups within their capacity, follow-ups and tasks still waiting --------


def test_rolling_groups_never_hold_more_than_their_size_and_run_mostly_full():
    rng = random.Random(3)
    start = date(2024, 1, 1)
    stays = []
    for _ in range(3000):
        first = start + timedelta(days=rng.randrange(700))
        stays.append((first, first + timedelta(days=rng.randint(3, 120))))
    group_of, spans = installation.cohorts(stays, random.Random(4))
    assert len(spans) > 20
    on_day: Counter = Counter()
    for (first, last), group in zip(stays, group_of, strict=True):
        assert spans[group][0] <= first and last <= spans[group][1]
        for n in range((last - first).days + 1):
            on_day[(group, first + timedelta(days=n))] += 1
    assert max(on_day.values()) <= installation.CAPACITY
    # Away from the ramp-up and wind-down at the ends, a typical group has 6 to 12 people.
    middle = sorted(
        n
        for (_, day), n in on_day.items()
        if start + timedelta(days=120) <= day <= start + timedelta(days=600)
    )
    assert 6 <= middle[len(middle) // 2] <= 12


def test_groups_running_together_never_share_a_room_and_rooms_are_reused():
    rng = random.Random(5)
    start = date(2024, 1, 1)
    spans = []
    for _ in range(200):
        first = start + timedelta(days=rng.randrange(700))
        spans.append((first, first + timedelta(days=rng.randint(20, 200))))
    room_of = installation.rooms_for(spans)
    for a, b in itertools.combinations(range(len(spans)), 2):
        if room_of[a] == room_of[b]:
            assert spans[a][1] < spans[b][0] or spans[b][1] < spans[a][0]
    most_at_once = max(
        sum(first <= day <= last for first, last in spans)
        for day in (start + timedelta(days=n) for n in range(900))
    )
    assert len(set(room_of)) == most_at_once


def test_in_person_groups_meet_in_rooms_of_their_program_as_a_program_books_them(made):
    """Each program has its rooms, at least two a site; every in-person group and its
    sessions are in one of them that seats the group, none in a virtual one, and the active
    groups of a room never meet at the same hours (the calendar's own rule)."""
    for program in Program.objects.filter(organization__in=made.organizations):
        for site in program.sites.all():
            assert site.rooms.count() >= installation.ROOMS_PER_SITE
    groups = list(Group.objects.select_related("room__site"))
    assert any(g.mode == SessionMode.IN_PERSON for g in groups)
    for group in groups:
        if group.mode == SessionMode.IN_PERSON:
            assert group.room is not None
            assert group.room.site.program_id == group.program_id
            assert group.room.capacity >= group.capacity
        else:
            assert group.room is None
    held = Counter(
        (g.room_id, g.weekday, g.start_time) for g in groups if g.is_active and g.room_id
    )
    assert held and set(held.values()) == {1}
    sessions = Session.objects.values_list("room_id", "group__room_id")
    assert all(room == kept for room, kept in sessions)
    assert any(room for room, _ in sessions)


def test_every_session_holds_no_more_than_its_capacity_and_people_keep_their_group(made):
    sessions = Session.objects.annotate(n=Count("enrolments"))
    assert sessions.exists()
    assert all(0 < s.n <= s.capacity == installation.CAPACITY for s in sessions)
    groups_per_weekday = (
        Enrolment.objects.values("episode", "session__group__weekday")
        .annotate(groups=Count("session__group", distinct=True))
        .values_list("groups", flat=True)
    )
    assert set(groups_per_weekday) == {1}
    # Retired groups are those whose people have all left.
    today_groups = set(
        Enrolment.objects.filter(session__date=TODAY).values_list("session__group", flat=True)
    )
    assert today_groups and all(g.is_active for g in Group.objects.filter(pk__in=today_groups))


def test_every_session_is_led_by_staff_of_its_program_who_may_lead_it(made):
    """Each session names who led it, a member of the program's staff the schedule lets
    facilitate; a group keeps its lead week after week, someone covers now and then; the
    roll call was taken, and audited, by that facilitator."""
    sessions = list(
        Session.objects.select_related("program")
        .prefetch_related("staff", "attendance")
        .order_by("group_id", "date")
    )
    may_lead = {
        program.pk: set(program_staff(program).values_list("pk", flat=True))
        for program in {s.program for s in sessions}
    }
    led = {}
    for session in sessions:
        staff = {u.pk for u in session.staff.all()}
        assert len(staff) == 1 and staff <= may_lead[session.program_id], session
        (led[session.pk],) = staff
        assert {a.recorded_by_id for a in session.attendance.all()} <= staff
    for group in Group.objects.prefetch_related("facilitators"):
        named = {u.pk for u in group.facilitators.all()}
        assert len(named) == 1 and named <= may_lead[group.program_id]
    following = [led[a.pk] == led[b.pk] for a, b in pairwise(sessions) if a.group_id == b.group_id]
    assert 0.75 < sum(following) / len(following) < 1
    by_session = {str(s.public_id): led[s.pk] for s in sessions}
    taken = AuditEvent.objects.filter(event_type__in=["roll_call.viewed", "roll_call.taken"])
    assert taken.exists()
    for event in taken:
        assert event.actor_id == by_session[event.record_id]
    assert made.rows["scheduling_session_staff"] == len(sessions)


def test_past_group_sessions_have_their_notes_signed_by_who_led_them(made):
    """As a program on the day: the group note of nearly every past session, written and
    signed by the one who led it, each attending member's part signed with it and an absence
    entry for each who missed it; only the last days' notes still owed, so the notes board
    lists a few overdue sessions, not every session of the last two weeks."""
    held = list(
        Session.objects.filter(attendance__isnull=False)
        .distinct()
        .select_related("program")
        .prefetch_related(
            "staff", "attendance", "group_notes__member_notes", "group_notes__absences"
        )
    )
    assert len(held) > 100
    unwritten = []
    for session in held:
        notes = list(session.group_notes.all())
        if not notes:
            unwritten.append(session)
            continue
        (note,) = notes
        (lead,) = session.staff.all()
        assert note.recorded_by_id == note.signed_by_id == lead.pk
        began = datetime.combine(TODAY, time(0), session.program.tz)
        assert note.signed_at is not None and session.ends_at < note.signed_at < began
        came = {a.participant_id for a in session.attendance.all() if a.minutes}
        assert {m.participant_id for m in note.member_notes.all()} == came
        assert {m.signed_by_id for m in note.member_notes.all()} <= {lead.pk}
        assert len(note.member_notes.all()) + len(note.absences.all()) == len(
            session.attendance.all()
        )
    # Each session's stored fact says whether it has its signed group note.
    assert [s.pk for s in held if s.has_its_note == (s in unwritten)] == []
    # Owed only for the last few days' sessions, and few of them.
    assert all(s.date >= TODAY - timedelta(days=3) for s in unwritten)
    assert len(unwritten) < len(held) / 20
    now = datetime.combine(TODAY, time(17, 0), held[0].program.tz)
    recent = [s for s in held if s.ends_at >= now - timedelta(days=LOOKBACK_DAYS)]
    due = sessions_needing_a_note(Session.objects.all(), now=now)
    overdue = due.filter(due_at__lt=now)  # type: ignore[misc]
    assert len(recent) > 20 and overdue.count() <= len(recent) / 5
    assert made.rows["notes_groupnote"] == GroupNote.objects.count() == len(held) - len(unwritten)
    assert made.rows["notes_absenceentry"] == AbsenceEntry.objects.count() > 0


def test_signing_each_group_note_is_in_the_audit_trail(made):
    """As signing a group note audits it: one event for the note, listing the members it
    signed a note for, and one for each member's note, by who signed it when they did."""
    notes = {str(n.public_id): n for n in GroupNote.objects.prefetch_related("member_notes")}
    events = list(
        AuditEvent.objects.filter(event_type="group_note.signed").prefetch_related("listed")
    )
    assert len(events) == len(notes) > 100
    for event in events:
        note = notes[event.record_id]
        assert (event.actor_id, event.occurred_at) == (note.signed_by_id, note.signed_at)
        assert event.participant_id is None
        assert {row.participant_id for row in event.listed.all()} == {
            m.participant_id for m in note.member_notes.all()
        }
    members = {
        str(pk): by
        for pk, by in ProgressNote.objects.filter(group_note__isnull=False).values_list(
            "public_id", "signed_by_id"
        )
    }
    signed = AuditEvent.objects.filter(
        event_type="note.signed", record_type="notes.ProgressNote", record_id__in=members
    )
    assert signed.count() == len(members) > 0
    assert all(
        members[record] == actor for record, actor in signed.values_list("record_id", "actor_id")
    )


def test_each_closed_alert_names_who_acknowledged_it_and_its_event_says_so(made):
    """A program's past alerts were closed by someone with a note, and closing one is in the
    trail: the primary clinician, at the time the alert says."""
    closed = {
        str(a.pk): a
        for a in Alert.objects.filter(status=AlertStatus.ACKNOWLEDGED).select_related("episode")
    }
    assert len(closed) > 20
    for alert in closed.values():
        assert alert.acknowledged_by_id == alert.episode.primary_clinician_id
        assert alert.acknowledgement_note
    events = AuditEvent.objects.filter(event_type="alert.acknowledged")
    assert events.count() == len(closed)
    for record_id, actor, when, participant in events.values_list(
        "record_id", "actor_id", "occurred_at", "participant_id"
    ):
        alert = closed[record_id]
        assert (actor, when, participant) == (
            alert.acknowledged_by_id,
            alert.acknowledged_at,
            alert.participant_id,
        )
    assert not Alert.objects.filter(status=AlertStatus.OPEN, acknowledged_by__isnull=False).exists()


def test_follow_ups_stand_where_a_program_would_have_them_today(made):
    discharges = Discharge.objects.count()
    assert ContactConsent.objects.count() == discharges
    assert FollowUp.objects.count() == discharges * len(DEFAULT_FOLLOW_UP_DAYS)
    assert (
        not FollowUp.objects.filter(due_on__gt=TODAY)
        .exclude(status=FollowUpStatus.SCHEDULED)
        .exists()
    )
    assert FollowUp.objects.filter(status=FollowUpStatus.SCHEDULED).exists()
    assert not FollowUp.objects.filter(
        status=FollowUpStatus.STOPPED, discharge__consent__consented=True
    ).exists()
    answered = FollowUp.objects.filter(status=FollowUpStatus.ANSWERED)
    assert answered.count() == FollowUpAnswers.objects.count() > 0
    for row in FollowUp.objects.all():
        for moment in (row.sent_at, row.answered_at, row.called_at):
            assert moment is None or moment.date() <= TODAY
        assert row.answered_at is None or row.answered_at.date() < TODAY


def test_a_follow_up_moves_through_its_steps_by_the_day():
    tz = ZoneInfo("America/Chicago")
    today = date(2026, 3, 4)

    def state(due_on, **kw):
        kw = {"consented": True, "channel": "text", "rng": random.Random(1), **kw}
        return synthetic_care.follow_up_state(due_on, today=today, tz=tz, **kw)

    assert state(today + timedelta(days=1)).status == FollowUpStatus.SCHEDULED
    assert state(today - timedelta(days=9), consented=False).status == FollowUpStatus.STOPPED
    assert state(today, channel="phone").status == FollowUpStatus.TO_CALL
    assert state(today).status == FollowUpStatus.SENT
    rng = random.Random(2)
    by_age: dict[int, Counter] = {}
    for ago in (0, 2, 5, 10, 60):
        by_age[ago] = Counter(
            state(
                today - timedelta(days=ago), channel=rng.choice(["text", "phone"]), rng=rng
            ).status
            for _ in range(400)
        )
    waiting = {FollowUpStatus.SENT, FollowUpStatus.TO_CALL}
    assert sum(by_age[0][s] for s in waiting) == 400
    assert by_age[5][FollowUpStatus.TO_CALL] > 40
    assert by_age[10][FollowUpStatus.TO_CALL] > 10  # calls overdue on the list
    assert by_age[60][FollowUpStatus.TO_CALL] < 5
    assert by_age[60][FollowUpStatus.ANSWERED] > 150
    assert by_age[60][FollowUpStatus.NOT_REACHED] > 20


def test_the_call_list_and_worklists_have_work_waiting(made):
    assert FollowUp.objects.filter(status__in=PENDING_STATUSES).exists()
    open_tasks = Task.objects.filter(status=TaskStatus.OPEN)
    assert open_tasks.filter(due_on__lt=TODAY).exists()
    assert open_tasks.filter(due_on__gte=TODAY).exists()
    for task in open_tasks:
        episode = Episode.objects.get(participant__tasks=task)
        assert episode.status in IN_CARE_STATUSES
        assert task.owner_id == episode.primary_clinician_id
    assert Task.objects.filter(status=TaskStatus.DONE).exists()
    late = ProgressNote.objects.filter(
        signed_at__isnull=True, service_date__lt=TODAY - timedelta(days=3)
    )
    assert late.exists()
    assert not ProgressNote.objects.filter(
        signed_at__isnull=True, service_date__lt=TODAY - timedelta(days=14)
    ).exists()


def test_this_week_s_schedule_is_published_for_those_in_care_and_not_yet_taken(made):
    week_ends = TODAY + timedelta(days=6 - TODAY.weekday())
    ahead = Enrolment.objects.filter(session__date__gt=TODAY)
    assert ahead.exists()
    assert not ahead.filter(session__date__gt=week_ends).exists()
    assert not ahead.exclude(episode__status__in=IN_CARE_STATUSES).exists()
    assert not Attendance.objects.filter(session__date__gte=TODAY).exists()


def test_the_admitted_are_covered_consented_and_medicare_stays_certified_as_a_program_bills(made):
    admitted = Episode.objects.filter(admitted_on__isnull=False).count()
    coverages = Coverage.objects.count()
    assert 0.6 * admitted <= coverages <= admitted
    assert {p.per_diem_code for p in Payer.objects.all()} == set(PerDiemCode.values)
    assert Consent.objects.filter(kind=ConsentKind.PART2, tpo=True).count() >= 0.5 * coverages
    # Each consent names the payer of its participant's coverage, from the organization's list.
    links = list(ConsentPayer.objects.select_related("consent__participant", "payer"))
    assert len(links) == Consent.objects.count()
    for link in links:
        assert Coverage.objects.filter(
            participant_id=link.consent.participant_id, payer=link.payer
        ).exists()
        assert link.payer.organization_id == link.consent.participant.organization_id
    certifications = list(IopCertification.objects.select_related("episode", "participant"))
    for certification in certifications:
        assert certification.episode.status in IN_CARE_STATUSES
        assert certification.participant.coverages.filter(payer__medicare=True).exists()
        assert certification.episode.admitted_on <= certification.certified_on <= TODAY
    assert any(c.in_force_until >= TODAY for c in certifications)
    for event_type, model in (
        ("billing.coverage_added", Coverage),
        ("consent.recorded", Consent),
        ("billing.certification_added", IopCertification),
    ):
        assert AuditEvent.objects.filter(event_type=event_type).count() == model.objects.count()
