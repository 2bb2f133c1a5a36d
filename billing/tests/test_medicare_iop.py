"""Medicare IOP (clinical reference §5): a Medicare payer's per diem, the day's services and
band, the physician's certification, and the week's hours beside the 9–19 h band."""

import csv
import io
from datetime import date, time

import pytest

from audit.models import AuditEvent
from billing import selectors, services
from billing.models import IopCertification, Payer, PerDiemCode, certified_until
from billing.selectors import COUNT_THE_SERVICES
from billing.tests.builders import attended, cover, payer, tpo_consent
from participants.models import Episode, EpisodeStatus
from tandem.errors import AccessDenied, InvalidInput
from tandem.records import ImmutableRecordError

# Monday 26 October to Sunday 1 November 2026: a week whose Saturday ends a month.
WEEK = date(2026, 10, 26)
STARTS = (time(9), time(10, 30), time(13), time(14, 30), time(16))


def medicare(world):
    return services.add_payer(
        world.org, by=world.users["billing"], name="Medicare (synthetic)", medicare=True
    )


def covered_by_medicare(world):
    cover(world, world.episode, medicare(world))
    tpo_consent(world, world.episode)


def sessions(world, day: date, count: int, *, episode=None) -> None:
    """`count` sessions of an hour attended on `day`."""
    for start in STARTS[:count]:
        attended(world.program, episode or world.episode, day, 60, start=start)


def certify(world, certified_on: date, *, episode=None, physician=None) -> IopCertification:
    return services.add_certification(
        world.participant,
        by=world.users["director"],
        episode=episode or world.episode,
        physician=physician or world.users["prescriber"],
        certified_on=certified_on,
        needs_nine_hours=True,
    )


def lines_of(world, week=WEEK):
    return {line.day: line for line in selectors.service_days([world.program], week)}


# A Medicare payer -------------------------------------------------------------------------


def test_a_medicare_payers_per_diem_is_condition_code_92(world):
    found = medicare(world)
    assert found.medicare and found.per_diem_code == PerDiemCode.MEDICARE_IOP
    assert found.per_diem_name == "Medicare IOP, condition code 92"


def test_s9480_is_refused_for_a_medicare_payer_with_the_reason(world):
    with pytest.raises(InvalidInput) as refused:
        services.add_payer(
            world.org,
            by=world.users["billing"],
            name="Medicare",
            per_diem_code="S9480",
            medicare=True,
        )
    assert refused.value.field == "per_diem_code"
    assert 'Medicare does not pay S9480 (status "I"' in refused.value.message
    with pytest.raises(InvalidInput, match="not as H0015"):
        services.add_payer(
            world.org,
            by=world.users["billing"],
            name="Medicare",
            per_diem_code="H0015",
            medicare=True,
        )
    assert not Payer.objects.exists()


def test_a_payer_not_medicare_takes_h0015_or_s9480_only(world):
    for code in ("", PerDiemCode.MEDICARE_IOP):
        with pytest.raises(InvalidInput, match="mark the payer as Medicare"):
            services.add_payer(world.org, by=world.users["billing"], name="X", per_diem_code=code)


def test_the_payers_page_refuses_s9480_for_a_medicare_payer(world, login):
    client = login(world.users["billing"])
    answer = client.post(
        "/billing/payers/", {"name": "Medicare", "medicare": "on", "per_diem_code": "S9480"}
    )
    assert answer.status_code == 400
    assert "Medicare does not pay S9480" in answer.content.decode()
    added = client.post("/billing/payers/", {"name": "Medicare", "medicare": "on"})
    assert added.status_code == 302
    assert "Medicare IOP, condition code 92" in client.get("/billing/payers/").content.decode()


# The day's services and band --------------------------------------------------------------


@pytest.mark.parametrize(
    ("count", "band", "held"),
    [
        (2, "", [COUNT_THE_SERVICES]),
        (3, "3 or more services (3 sessions): check for a 4th", []),
        (4, "4 or more services", []),
        (5, "4 or more services", []),
    ],
)
def test_a_medicare_line_counts_the_days_sessions_into_its_band(world, count, band, held):
    covered_by_medicare(world)
    certify(world, date(2026, 10, 1))
    sessions(world, date(2026, 10, 27), count)
    line = lines_of(world)[date(2026, 10, 27)]
    assert (line.sessions, line.band, line.held) == (count, band, held)
    assert line.code == "Medicare IOP, condition code 92"


def test_absences_and_cancelled_sessions_are_not_counted(world):
    from attendance.tests.builders import make_session, record
    from scheduling.models import Session

    covered_by_medicare(world)
    certify(world, date(2026, 10, 1))
    sessions(world, date(2026, 10, 27), 2)
    record(
        make_session(world.program, date(2026, 10, 27), start=time(15)), world.episode, "absent", 0
    )
    cancelled = make_session(
        world.program, date(2026, 10, 27), start=time(17), status=Session.Status.CANCELLED
    )
    record(cancelled, world.episode, "present", 60)
    line = lines_of(world)[date(2026, 10, 27)]
    assert line.sessions == 2
    assert COUNT_THE_SERVICES in line.held


def test_h0015_and_s9480_lines_keep_their_rules_and_show_the_sessions(world):
    cover(world, world.episode, payer(world))
    tpo_consent(world, world.episode)
    sessions(world, date(2026, 10, 27), 2)
    line = lines_of(world)[date(2026, 10, 27)]
    assert (line.code, line.sessions, line.band) == ("H0015", 2, "")
    assert line.held == ["Under 3 hours attended"]


# The certification's window ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("certified_on", "until"),
    [
        (date(2026, 1, 15), date(2026, 3, 31)),
        (date(2026, 1, 1), date(2026, 3, 31)),
        (date(2026, 1, 31), date(2026, 3, 31)),
        (date(2026, 11, 30), date(2027, 1, 31)),
        (date(2026, 12, 1), date(2027, 2, 28)),
        (date(2027, 12, 20), date(2028, 2, 29)),
    ],
)
def test_a_certification_is_in_force_to_the_end_of_the_second_month_after_it(certified_on, until):
    assert certified_until(certified_on) == until


def test_a_certification_covers_from_its_own_date(world):
    covered_by_medicare(world)
    certify(world, date(2026, 10, 27))
    sessions(world, date(2026, 10, 26), 3)
    sessions(world, date(2026, 10, 27), 3)
    lines = lines_of(world)
    assert lines[date(2026, 10, 26)].held == [
        "No physician certification (or recertification) in force"
    ]
    assert lines[date(2026, 10, 27)].is_ready


def test_a_certification_covers_to_the_last_day_of_its_window_and_not_after(world):
    covered_by_medicare(world)
    certify(world, date(2026, 8, 20))  # in force to Saturday 31 October
    sessions(world, date(2026, 10, 31), 3)
    sessions(world, date(2026, 11, 1), 3)
    lines = lines_of(world)
    assert lines[date(2026, 10, 31)].is_ready
    assert lines[date(2026, 11, 1)].held == [
        "No physician certification (or recertification) in force"
    ]


def test_a_recertification_carries_the_days_on(world):
    covered_by_medicare(world)
    certify(world, date(2026, 8, 20))
    certify(world, date(2026, 10, 30))
    sessions(world, date(2026, 11, 1), 3)
    assert lines_of(world)[date(2026, 11, 1)].is_ready


def test_a_certification_entered_in_error_covers_nothing(world):
    covered_by_medicare(world)
    certification = certify(world, date(2026, 10, 1))
    sessions(world, date(2026, 10, 27), 3)
    services.mark_certification_in_error(
        certification, by=world.users["director"], reason="Wrong participant"
    )
    line = lines_of(world)[date(2026, 10, 27)]
    assert line.held == ["No physician certification (or recertification) in force"]
    assert AuditEvent.objects.filter(
        event_type="billing.certification_entered_in_error", participant=world.participant
    ).exists()


def test_another_stays_certification_does_not_cover_the_day(world):
    covered_by_medicare(world)
    earlier = Episode.objects.create(
        participant=world.participant,
        program=world.program,
        status=EpisodeStatus.DISCHARGED,
        referred_on=date(2026, 3, 1),
        admitted_on=date(2026, 3, 2),
    )
    certify(world, date(2026, 10, 1), episode=earlier)
    sessions(world, date(2026, 10, 27), 3)
    assert lines_of(world)[date(2026, 10, 27)].held == [
        "No physician certification (or recertification) in force"
    ]


def test_a_certification_is_never_changed_once_recorded(world):
    certification = certify(world, date(2026, 10, 1))
    certification.certified_on = date(2026, 10, 20)
    with pytest.raises(ImmutableRecordError):
        certification.save()
    with pytest.raises(ImmutableRecordError):
        IopCertification.objects.filter(pk=certification.pk).update(certified_on=date(2026, 9, 1))


# Recording a certification ----------------------------------------------------------------


def test_recording_a_certification_is_audited(world):
    certification = certify(world, date(2026, 10, 1))
    event = AuditEvent.objects.get(event_type="billing.certification_added")
    assert event.participant_id == world.participant.pk
    assert certification.physician == world.users["prescriber"]
    assert certification.recorded_by == world.users["director"]


def test_the_physician_must_be_staff_who_may_sign(world):
    for someone in ("billing", "nurse", "frontdesk"):
        with pytest.raises(InvalidInput, match="among the staff who may sign") as refused:
            certify(world, date(2026, 10, 1), physician=world.users[someone])
        assert refused.value.field == "physician"
    assert not IopCertification.objects.exists()


def test_a_certification_states_the_nine_hours(world):
    with pytest.raises(InvalidInput, match="at least 9 hours a week") as refused:
        services.add_certification(
            world.participant,
            by=world.users["director"],
            episode=world.episode,
            physician=world.users["prescriber"],
            certified_on=date(2026, 10, 1),
            needs_nine_hours=False,
        )
    assert refused.value.field == "needs_nine_hours"
    assert not IopCertification.objects.exists()


def test_a_certification_belongs_to_the_participants_own_stay(world):
    with pytest.raises(InvalidInput, match="stay"):
        certify(world, date(2026, 10, 1), episode=world.referral_episode)


@pytest.mark.parametrize("persona", ["billing", "therapist", "frontdesk", "auditor"])
def test_only_roles_that_may_sign_and_reach_billing_record_a_certification(world, persona):
    with pytest.raises(AccessDenied):
        services.add_certification(
            world.participant,
            by=world.users[persona],
            episode=world.episode,
            physician=world.users["prescriber"],
            certified_on=date(2026, 10, 1),
            needs_nine_hours=True,
        )
    assert not IopCertification.objects.exists()


def test_the_billing_tab_shows_certifications_to_billing_and_the_form_to_the_director(world, login):
    certify(world, date(2026, 10, 1))
    read = login(world.users["billing"]).get(f"/billing/{world.participant.public_id}/")
    text = read.content.decode()
    assert "Medicare IOP certification" in text and "Thu 31 Dec 2026" in text
    assert "Record a certification" not in text
    assert read.context["certification_form"] is None  # its pickers are not even read
    director = login(world.users["director"]).get(f"/billing/{world.participant.public_id}/")
    assert "Record a certification" in director.content.decode()


def test_the_tab_records_a_certification_and_refuses_a_bad_one(world, login):
    client = login(world.users["director"])
    url = f"/billing/{world.participant.public_id}/certification/"
    data = {
        "episode": str(world.episode.public_id),
        "physician": str(world.users["prescriber"].public_id),
        "certified_on": "2026-10-01",
        "needs_nine_hours": "on",
    }
    unchecked = client.post(url, {**data, "needs_nine_hours": ""})
    assert unchecked.status_code == 400
    assert "at least 9 hours a week" in unchecked.content.decode()
    not_a_physician = client.post(url, {**data, "physician": str(world.users["billing"].public_id)})
    assert not_a_physician.status_code == 400
    assert not IopCertification.objects.exists()
    assert client.post(url, data).status_code == 302
    assert IopCertification.objects.get().certified_on == date(2026, 10, 1)


# The week's hours -------------------------------------------------------------------------


def test_a_medicare_line_shows_the_weeks_hours_against_the_band_without_holding(world):
    covered_by_medicare(world)
    certify(world, date(2026, 10, 1))
    sessions(world, date(2026, 10, 27), 3)
    sessions(world, date(2026, 10, 28), 4)
    lines = lines_of(world)
    assert {line.week_minutes for line in lines.values()} == {420}
    assert {line.week_band for line in lines.values()} == {"under 9\u00a0h"}
    assert all(line.is_ready for line in lines.values())
    sessions(world, date(2026, 10, 29), 3)
    assert lines_of(world)[date(2026, 10, 29)].week_band == "within 9–19\u00a0h"


def test_the_page_and_the_csv_show_the_sessions_band_and_week(world, login):
    covered_by_medicare(world)
    certify(world, date(2026, 10, 1))
    sessions(world, date(2026, 10, 27), 4)
    sessions(world, date(2026, 10, 28), 2)
    client = login(world.users["billing"])
    page = client.get("/billing/days/2026-10-26/").content.decode()
    assert "4 or more services" in page and "Week: 6\u00a0h (under 9\u00a0h)" in page
    answer = client.post("/billing/days/2026-10-26/export/")
    rows = list(csv.DictReader(io.StringIO(answer.content.decode())))
    first, second = rows[0], rows[1]
    assert (first["per_diem_code"], first["sessions_that_day"]) == (
        "Medicare IOP, condition code 92",
        "4",
    )
    assert (first["medicare_per_diem_band"], first["status"]) == ("4 or more services", "ready")
    assert (first["week_minutes_attended"], first["medicare_week_band"]) == (
        "360",
        "under 9\u00a0h",
    )
    assert second["held_because"] == COUNT_THE_SERVICES
