"""The service days of a week to bill: each date of service ready or held, and why."""

from datetime import date, datetime, time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from attendance.tests.builders import active_participant
from audit.models import AuditEvent
from billing import selectors
from billing.tests.builders import (
    LAST_WEEK,
    administered,
    attended,
    cover,
    payer,
    tpo_consent,
)
from billing.views import PAGE_SIZE
from consent.services import record_consent
from intake.services import add_diagnosis


def _lines(world, week=LAST_WEEK):
    return selectors.service_days([world.program], week)


def _one(world, week=LAST_WEEK):
    (line,) = _lines(world, week)
    return line


def test_a_covered_day_with_a_tpo_consent_and_three_hours_is_ready(world):
    cover(world, world.episode, payer(world))
    tpo_consent(world, world.episode)
    attended(world.program, world.episode, date(2026, 11, 24), 180)
    line = _one(world)
    assert (line.day, line.minutes, line.code, line.member_id) == (
        date(2026, 11, 24),
        180,
        "H0015",
        "M-1234",
    )
    assert line.is_ready and line.held == []


def test_a_day_under_three_hours_is_held_for_h0015(world):
    cover(world, world.episode, payer(world))
    tpo_consent(world, world.episode)
    attended(world.program, world.episode, date(2026, 11, 24), 90, start=time(9))
    attended(world.program, world.episode, date(2026, 11, 24), 60, start=time(13))
    line = _one(world)
    assert line.minutes == 150
    assert line.held == ["Under 3 hours attended"]


def test_s9480_shows_the_minutes_and_leaves_the_minimum_to_the_payer(world):
    cover(world, world.episode, payer(world, "Lakeshore Medicaid", "S9480"))
    tpo_consent(world, world.episode)
    attended(world.program, world.episode, date(2026, 11, 24), 90)
    line = _one(world)
    assert line.is_ready and line.code == "S9480" and line.minutes == 90
    assert "payer's contract decides" in line.note


def test_without_a_consent_the_day_is_held(world):
    cover(world, world.episode, payer(world))
    attended(world.program, world.episode, date(2026, 11, 24), 180)
    assert _one(world).held == ["No consent to disclose to the payer (42 CFR Part 2)"]


def test_a_part2_consent_naming_the_payer_only_in_words_is_held_for_review(world):
    cover(world, world.episode, payer(world))
    attended(world.program, world.episode, date(2026, 11, 24), 180)

    def named(recipients):
        record_consent(
            world.participant,
            by=world.therapist,
            kind="part2",
            signed_on=date(2026, 9, 8),
            discloser="Adult IOP",
            information="Attendance and diagnoses",
            parts=["diagnoses", "attendance"],
            recipients=recipients,
            purpose="Payment",
            expiry="end_of_treatment",
        )

    named("County court")
    assert _one(world).held == [selectors.NO_CONSENT]
    named("Prairie Health Plan, claims")
    assert _one(world).held == [selectors.NAMED_IN_WORDS_ONLY]


def test_a_consent_signed_after_the_day_or_revoked_before_it_does_not_count(world):
    from consent.services import revoke_consent

    cover(world, world.episode, payer(world))
    attended(world.program, world.episode, date(2026, 11, 24), 180)
    attended(world.program, world.episode, date(2026, 11, 27), 180)
    consent = tpo_consent(world, world.episode, signed_on=date(2026, 9, 8))
    revoke_consent(
        consent,
        by=world.therapist,
        revoked_on=date(2026, 11, 25),
        received="paper",
        expected_version=consent.version,
    )
    first, second = _lines(world)
    assert first.is_ready
    assert second.held == ["No consent to disclose to the payer (42 CFR Part 2)"]


def test_a_day_without_coverage_is_held(world):
    cover(world, world.episode, payer(world), starts_on=date(2026, 11, 25))
    tpo_consent(world, world.episode)
    attended(world.program, world.episode, date(2026, 11, 24), 180)
    attended(world.program, world.episode, date(2026, 11, 25), 180)
    first, second = _lines(world)
    assert first.held == ["No coverage on this date"] and first.code == ""
    assert second.is_ready


def test_two_payers_on_one_day_leave_the_choice_to_the_biller(world):
    cover(world, world.episode, payer(world))
    cover(world, world.episode, payer(world, "Lakeshore Medicaid", "S9480"))
    tpo_consent(world, world.episode)
    attended(world.program, world.episode, date(2026, 11, 24), 180)
    assert _one(world).held == [selectors.TWO_PAYERS]


def test_an_absence_is_no_date_of_service(world):
    from attendance.tests.builders import make_session, record

    record(make_session(world.program, date(2026, 11, 24)), world.episode, "unexcused", 0)
    assert _lines(world) == []


def test_96127_counts_instruments_that_day_not_administrations_in_error(world):
    from assessments.services import mark_entered_in_error

    cover(world, world.episode, payer(world))
    tpo_consent(world, world.episode)
    attended(world.program, world.episode, date(2026, 11, 24), 180)
    zone = world.program.tz
    morning = datetime(2026, 11, 24, 9, 30, tzinfo=zone)
    administered(world, world.episode, "phq-9", morning)
    administered(world, world.episode, "phq-9", morning + timedelta(hours=2))
    administered(world, world.episode, "gad-7", morning)
    wrong = administered(world, world.episode, "audit", morning)
    mark_entered_in_error(wrong, by=world.therapist, reason="Given to someone else")
    # The evening before and the morning after, in the program's zone, are other days.
    administered(world, world.episode, "who-5", datetime(2026, 11, 23, 23, 30, tzinfo=zone))
    administered(world, world.episode, "dast-10", datetime(2026, 11, 25, 0, 30, tzinfo=zone))
    assert _one(world).assessment_units == 2


def test_the_diagnoses_in_force_on_the_day_are_on_its_line(world):
    cover(world, world.episode, payer(world))
    tpo_consent(world, world.episode)
    attended(world.program, world.episode, date(2026, 11, 24), 180)
    for code, made_on in (("F10.20", date(2026, 9, 8)), ("F32.1", date(2026, 11, 25))):
        add_diagnosis(
            world.episode, code=code, status="confirmed", made_on=made_on, by=world.therapist
        )
    assert _one(world).diagnoses == ["F10.20"]


def test_the_week_runs_monday_to_sunday_in_the_programs_zone(world):
    cover(world, world.episode, payer(world))
    tpo_consent(world, world.episode)
    # Sunday 29 November 23:00 in Chicago is Monday 05:00 UTC: still last week's Sunday.
    attended(world.program, world.episode, date(2026, 11, 29), 45, start=time(23, 0))
    attended(world.program, world.episode, date(2026, 11, 30), 180)
    attended(world.program, world.episode, date(2026, 11, 22), 180)
    assert [line.day for line in _lines(world)] == [date(2026, 11, 29)]
    assert selectors.last_week(world.program) == LAST_WEEK


def test_last_week_follows_the_programs_zone_not_utc(world):
    from zoneinfo import ZoneInfo

    utc_monday = datetime(2026, 11, 30, 3, 0, tzinfo=ZoneInfo("UTC"))  # Sunday 21:00 in Chicago
    assert selectors.last_week(world.program, utc_monday) == date(2026, 11, 16)
    assert selectors.last_week(world.program, utc_monday + timedelta(hours=4)) == LAST_WEEK


def test_the_page_lists_the_week_and_audits_whom_it_showed(world, login):
    cover(world, world.episode, payer(world))
    tpo_consent(world, world.episode)
    attended(world.program, world.episode, date(2026, 11, 24), 120)
    client = login(world.users["billing"])
    page = client.get("/billing/days/").content.decode()
    assert "Under 3 hours attended" in page and world.participant.record_number in page
    assert f'<a href="/billing/{world.participant.public_id}/">' in page
    event = AuditEvent.objects.get(event_type="billing.service_days_viewed")
    assert event.details["participants"] == [str(world.participant.public_id)]
    assert client.get("/billing/days/2026-11-16/").status_code == 200
    assert "No one attended" in client.get("/billing/days/2026-11-16/").content.decode()
    assert client.get("/billing/days/not-a-week/").status_code == 400
    moved = client.post("/billing/days/", {"week": "2026-11-26"})
    assert moved.status_code == 302 and moved["Location"] == "/billing/days/2026-11-23/"
    assert client.post("/billing/days/", {"week": "nonsense"}).status_code == 400


def test_the_csv_holds_record_numbers_not_names_and_is_audited(world, login):
    cover(world, world.episode, payer(world))
    tpo_consent(world, world.episode)
    attended(world.program, world.episode, date(2026, 11, 24), 200)
    answer = login(world.users["billing"]).post("/billing/days/2026-11-23/export/")
    assert answer.status_code == 200
    assert answer["Content-Disposition"] == 'attachment; filename="service-days-2026-11-23.csv"'
    text = answer.content.decode()
    assert world.participant.record_number in text and "ready" in text
    assert world.participant.legal_last_name not in text
    assert "42 CFR part 2" in text
    event = AuditEvent.objects.get(event_type="billing.service_days_exported")
    assert event.details["participants"] == [str(world.participant.public_id)]


@pytest.mark.parametrize("persona", ["therapist", "supervisor", "frontdesk", "auditor"])
def test_only_billing_and_the_director_open_the_service_days(world, login, persona):
    client = login(world.users[persona])
    assert client.get("/billing/days/").status_code == 403
    assert client.post("/billing/days/2026-11-23/export/").status_code == 403
    assert login(world.users["director"]).get("/billing/days/").status_code == 200


def _people(world, count: int, start: int) -> None:
    from screens import panels
    from screens.models import Panel
    from screens.services import record_screen

    panels.seed()
    cup = Panel.objects.prefetch_related("analytes").get(code="urine-cup-hhs")
    plan = payer(world, f"Plan {start}")
    collected = datetime(2026, 11, 24, 11, tzinfo=world.program.tz)
    for n in range(start, start + count):
        episode = active_participant(world, f"T-{n:06d}", "Sam", f"Person{n}")
        cover(world, episode, plan)
        tpo_consent(world, episode)
        attended(world.program, episode, date(2026, 11, 24), 180)
        administered(world, episode, "phq-9", datetime(2026, 11, 24, 10, tzinfo=world.program.tz))
        add_diagnosis(
            episode, code="F10.20", status="confirmed", made_on=date(2026, 9, 8), by=world.therapist
        )
        record_screen(
            episode.participant,
            by=world.therapist,
            panel=cup,
            results={a.code: "negative" for a in cup.analytes.all()},
            collected_at=collected,
            observed=True,
            method="lab-immunoassay",
            now=collected,
        )


def test_the_page_reads_a_fixed_number_of_queries_however_many_participants(world, login):
    client = login(world.users["billing"])
    _people(world, 2, 100)
    with CaptureQueriesContext(connection) as few:
        assert client.get("/billing/days/2026-11-23/").status_code == 200
    _people(world, 6, 200)
    with CaptureQueriesContext(connection) as many:
        assert client.get("/billing/days/2026-11-23/").status_code == 200
    assert len(many) == len(few)
    assert len(selectors.service_days([world.program], LAST_WEEK)) == 16


def test_the_billing_home_leads_to_last_weeks_lines_without_naming_anyone(world, login):
    cover(world, world.episode, payer(world))
    tpo_consent(world, world.episode)
    attended(world.program, world.episode, date(2026, 11, 24), 180)
    page = login(world.users["billing"]).get("/").content.decode()
    assert "Service days to bill" in page
    assert "Last week, Mon 23 Nov 2026 to Sun 29 Nov 2026" in page
    assert 'href="/billing/days/2026-11-23/"' in page
    assert world.participant.legal_last_name not in page
    assert "Nothing is listed on this page for your role" not in page


def test_a_week_of_many_participants_is_read_a_page_at_a_time(world, login):
    for n in range(PAGE_SIZE + 2):
        episode = active_participant(world, f"P-{n:06d}", "Sam", f"Person{n:03d}")
        attended(world.program, episode, date(2026, 11, 24), 180)
    client = login(world.users["billing"])
    first = client.get("/billing/days/2026-11-23/").content.decode()
    assert f"{PAGE_SIZE + 2} participants with dates of service, {PAGE_SIZE} on this page" in first
    assert "Person000" in first and f"Person{PAGE_SIZE - 1:03d}" in first
    assert f"Person{PAGE_SIZE:03d}" not in first
    with CaptureQueriesContext(connection) as by_number:
        second = client.get("/billing/days/2026-11-23/?page=2").content.decode()
    assert f"Person{PAGE_SIZE:03d}" in second and f"Person{PAGE_SIZE + 1:03d}" in second
    assert "Person000" not in second
    # The last page asked for as such: the same two, read from the end with the count.
    with CaptureQueriesContext(connection) as as_last:
        last = client.get("/billing/days/2026-11-23/?page=last").content.decode()
    assert f"Person{PAGE_SIZE:03d}" in last and f"Person{PAGE_SIZE + 1:03d}" in last
    assert f"Person{PAGE_SIZE - 1:03d}" not in last
    assert f"{PAGE_SIZE + 2} participants with dates of service, 2 on this page" in last
    assert len(as_last) == len(by_number)
    viewed = AuditEvent.objects.filter(event_type="billing.service_days_viewed").order_by("id")
    assert [len(e.details["participants"]) for e in viewed] == [PAGE_SIZE, 2, 2]
    assert viewed[2].details["participants"] == viewed[1].details["participants"]
    export = client.post("/billing/days/2026-11-23/export/").content.decode()
    assert export.count("2026-11-24") == PAGE_SIZE + 2  # the CSV holds the whole week


def test_a_participant_record_entered_in_error_bills_nothing(world):
    from participants.services import mark_entered_in_error

    cover(world, world.episode, payer(world))
    tpo_consent(world, world.episode)
    attended(world.program, world.episode, date(2026, 11, 24), 180)
    assert len(_lines(world)) == 1
    mark_entered_in_error(world.participant, by=world.director, reason="A duplicate record.")
    assert _lines(world) == []
    assert not selectors.billed_participants([world.program], LAST_WEEK).exists()


def test_each_line_reads_as_its_row_with_every_value_written_as_text(world, login):
    """A per-diem line and a drug test's line of one participant: names a person typed are
    written as text, a held line lists its reasons, a dash stands where a drug test has no
    minutes, units or sessions."""
    from screens import panels
    from screens.models import Panel
    from screens.services import record_screen

    panels.seed()
    cup = Panel.objects.prefetch_related("analytes").get(code="urine-cup-hhs")
    episode = active_participant(world, "R-<000001>", "Sam", "O'Brien <Jr> & Co")
    cover(world, episode, payer(world, "Prairie <Health> & Plan"))
    tpo_consent(world, episode)
    attended(world.program, episode, date(2026, 11, 24), 180)
    attended(world.program, episode, date(2026, 11, 25), 90)
    administered(world, episode, "phq-9", datetime(2026, 11, 24, 10, tzinfo=world.program.tz))
    add_diagnosis(
        episode, code="F10.20", status="confirmed", made_on=date(2026, 9, 8), by=world.therapist
    )
    collected = datetime(2026, 11, 25, 10, tzinfo=world.program.tz)
    record_screen(
        episode.participant,
        by=world.therapist,
        panel=cup,
        results={a.code: "negative" for a in cup.analytes.all()},
        collected_at=collected,
        observed=True,
        method="point-of-care",
        now=collected,
    )
    page = login(world.users["billing"]).get("/billing/days/2026-11-23/").content.decode()
    person = (
        f'<tr><td><a href="/billing/{episode.participant.public_id}/"><span class="name">'
        "Sam O&#x27;Brien &lt;Jr&gt; &amp; Co</span></a></td><td>R-&lt;000001&gt;</td>"
    )
    plan = 'Prairie &lt;Health&gt; &amp; Plan<br><span class="muted small">M-1234</span>'
    assert (
        f"{person}<td>Tue 24 Nov</td><td>IOP per diem</td><td>3\u00a0h</td><td>{plan}</td>"
        '<td>H0015</td><td>F10.20</td><td>1</td><td>1</td><td><span class="state">Ready</span>'
        "</td></tr>\n"
        f"{person}<td>Wed 25 Nov</td><td>IOP per diem</td><td>1\u00a0h 30\u00a0min</td>"
        f"<td>{plan}</td><td>H0015</td><td>F10.20</td><td>0</td><td>1</td>"
        '<td><span class="state">Held</span><ul class="small"><li>Under 3 hours attended</li>'
        "</ul></td></tr>\n"
        f"{person}<td>Wed 25 Nov</td><td>Presumptive drug test</td><td>—</td><td>{plan}</td>"
        "<td>—</td><td>F10.20</td><td>—</td><td>—</td>"
        '<td><span class="state">Held</span><ul class="small"><li>A point-of-care immunoassay '
        "does not say whether it was read by eye (80305) or by an instrument (80306)</li></ul>"
        "</td></tr>"
    ) in page


def _as_read(row, seen: frozenset = frozenset()) -> object:
    """A row as read: a tuple, or a model's fields with those of its `select_related` rows
    (a row it came from is named, not read again)."""
    if isinstance(row, tuple):
        return row
    if row is None or id(row) in seen:
        return row if row is None else "from"
    related = {
        name: _as_read(value, seen | {id(row)}) for name, value in row._state.fields_cache.items()
    }
    return ({f.attname: getattr(row, f.attname) for f in row._meta.concrete_fields}, related)


def test_the_statements_sent_together_read_what_the_orm_reads(world):
    """The lines' reads run in one round trip: the same rows, related rows (a consent's
    revocation, present or not) and values as each query read on its own."""
    from consent.selectors import part2_consents
    from consent.services import revoke_consent
    from tandem.statements import rows_together

    cover(world, world.episode, payer(world))
    revoked = tpo_consent(world, world.episode)
    revoke_consent(
        revoked,
        by=world.therapist,
        revoked_on=date(2026, 11, 25),
        received="paper",
        expected_version=revoked.version,
    )
    tpo_consent(world, world.episode, signed_on=date(2026, 11, 26))
    attended(world.program, world.episode, date(2026, 11, 24), 180)
    attended(world.program, world.episode, date(2026, 11, 24), 60, start=time(14))
    add_diagnosis(
        world.episode,
        code="F10.20",
        status="confirmed",
        made_on=date(2026, 9, 8),
        by=world.therapist,
    )
    ids = [world.participant.pk]
    last = LAST_WEEK + timedelta(days=6)
    queries = [
        selectors._attendance({world.program.pk: world.program}, LAST_WEEK, last)
        .values_list("participant_id", "session__date", "episode_id")
        .annotate(total=selectors.Sum("minutes"))
        .order_by(),
        selectors._coverages(ids, LAST_WEEK, last),
        part2_consents(ids),
        selectors._diagnoses(ids, last),
    ]
    together = rows_together(*queries)
    alone = [list(query) for query in queries]
    assert [len(rows) for rows in together] == [1, 1, 2, 1]
    assert together[0] == [(world.participant.pk, date(2026, 11, 24), world.episode.pk, 240)]
    assert [[_as_read(row) for row in rows] for rows in together] == [
        [_as_read(row) for row in rows] for rows in alone
    ]
    first, second = together[2]
    assert first.revocation.revoked_on == date(2026, 11, 25)
    assert second.revocation_or_none is None
    assert together[3][0].episode.program.tz == world.program.tz
    # A query that can match nothing is not sent and reads nothing, as the ORM's.
    assert rows_together(selectors._coverages([], LAST_WEEK, last), queries[1]) == [[], alone[1]]
