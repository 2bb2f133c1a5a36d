"""Every time on a page is in the program's time zone, in one format, with the zone named."""

import re
from datetime import UTC, date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import time_machine
from django.conf import settings as django_settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.dateformat import format as date_format
from hypothesis import given, settings
from hypothesis import strategies as st

from accounts.models import Program
from assessments.services import record_administration
from assessments.tests.administration_helpers import answers
from attendance.tests.builders import make_session
from conftest import SUITE_NOW, make_participant
from monitoring.models import Alert
from monitoring.services import raise_alert
from participants.models import Episode, EpisodeStatus
from tandem.templatetags.clock import (
    CLOCK_FORMAT,
    DATE_FORMAT,
    SHORT_DATE_FORMAT,
    clock,
    day,
    month,
    portal_clock,
    portal_when,
    short_day,
    when,
    zone_letters,
)

# 18:45 UTC is 12:45 in Chicago (CST) on this date.
COMPLETED = datetime(2026, 11, 20, 18, 45, tzinfo=UTC)


def test_a_phq9_and_its_alert_show_the_same_local_time(world, login):
    administration = record_administration(
        world.participant,
        code="phq-9",
        answers=answers("phq-9", q9=2),
        mode="staff-entered",
        by=world.therapist,
        completed_at=COMPLETED,
    )
    Alert.objects.filter(participant=world.participant).update(created_at=COMPLETED)
    client = login(world.therapist)

    result = client.get(
        reverse("assessments:result", args=[world.participant.public_id, administration.public_id])
    ).content.decode()
    alerts = client.get(
        reverse("monitoring:participant_alerts", args=[world.participant.public_id])
    ).content.decode()

    assert "Fri 20 Nov 2026, 12:45 CST" in result
    assert "Fri 20 Nov 2026, 12:45 CST" in alerts
    assert "18:45" not in result and "18:45" not in alerts


def _coast_participant(world):
    """A participant of a second program of the organization, on the Pacific coast."""
    coast = Program.objects.create(
        organization=world.org, name="Coast IOP", time_zone="America/Los_Angeles"
    )
    person = make_participant(world.org, "T-000009", legal_first_name="Coast")
    episode = Episode.objects.create(
        participant=person,
        program=coast,
        status=EpisodeStatus.ACTIVE,
        referred_on=date(2026, 9, 1),
        admitted_on=date(2026, 9, 8),
    )
    return person, episode


def test_staff_in_two_programs_see_each_time_in_its_own_programs_zone(world, login):
    coast_person, coast_episode = _coast_participant(world)
    for person, episode in [(world.participant, world.episode), (coast_person, coast_episode)]:
        raise_alert(person, kind="assessment", severity="critical", title="Safety", episode=episode)
    Alert.objects.update(created_at=COMPLETED)
    client = login(world.director)

    board = client.get(reverse("monitoring:critical_board")).content.decode()
    chart = client.get(
        reverse("monitoring:participant_alerts", args=[coast_person.public_id])
    ).content.decode()

    # One page across programs: each alert in its own program's zone, the zone named.
    assert "Fri 20 Nov 2026, 12:45 CST" in board
    assert "Fri 20 Nov 2026, 10:45 PST" in board
    # A page of one program (the coast participant's chart) is in that program's zone,
    # though the director's first program is in Chicago.
    assert "Fri 20 Nov 2026, 10:45 PST" in chart and "CST" not in chart


def test_the_days_sessions_of_two_programs_each_name_their_own_zone(world, login):
    _, coast_episode = _coast_participant(world)
    day = date(2026, 11, 20)
    make_session(world.program, day, title="Relapse prevention")
    make_session(coast_episode.program, day, title="Coast skills group")

    roll_calls = (
        login(world.director)
        .get(reverse("attendance:today"), {"day": day.isoformat()})
        .content.decode()
    )
    with time_machine.travel(datetime(2026, 11, 20, 20, 0, tzinfo=UTC)):
        home = login(world.frontdesk).get(reverse("home")).content.decode()

    # Both groups start at 09:00 local time; each row says which 09:00 it means.
    for page in (roll_calls, home):
        assert "09:00–12:00 CST" in page
        assert "09:00–12:00 PST" in page


_ZONES = ["UTC", "America/Chicago", "America/New_York", "Asia/Kolkata", "Australia/Lord_Howe"]


def _ambiguous(local: datetime) -> bool:
    return local.utcoffset() != local.replace(fold=not local.fold).utcoffset()


@settings(max_examples=300, deadline=None)
@given(
    moment=st.datetimes(  # hypothesis takes naive bounds and adds the zone itself
        min_value=datetime(1990, 1, 1),  # noqa: DTZ001
        max_value=datetime(2100, 1, 1),  # noqa: DTZ001
        timezones=st.just(UTC),
    ),
    zone=st.sampled_from(_ZONES),
    language=st.sampled_from([code for code, _name in django_settings.LANGUAGES]),
)
def test_times_are_written_as_djangos_own_formatter_writes_them(moment, zone, language):
    """The filters write the one format themselves, for speed; Django's formatter is the
    reference, except in the repeated hour when clocks go back, where Django leaves the zone
    out and the page names it (CDT or CST) so the two 01:30s can be told apart."""
    local = moment.astimezone(ZoneInfo(zone))
    with translation.override(language), timezone.override(ZoneInfo(zone)):
        # The month's abbreviation is capitalised as the language writes month names: "M"
        # ("Dec") where Django's full name is capitalised, else "b" ("dic").
        cased = "M" if date_format(local, "F")[:1].isupper() else "b"
        day_format = DATE_FORMAT.replace("M", cased)
        expected_day = date_format(local, day_format)
        assert day(moment) == expected_day
        assert day(local.date()) == expected_day
        assert short_day(moment) == date_format(local, SHORT_DATE_FORMAT.replace("M", cased))
        assert clock(moment) == date_format(local, CLOCK_FORMAT)
        written = when(moment)
    if _ambiguous(local):
        assert written == f"{expected_day}, {date_format(local, CLOCK_FORMAT)} {local.tzname()}"
    else:
        with translation.override(language):
            assert written == date_format(local, f"{day_format}, {CLOCK_FORMAT} T")


def test_the_repeated_hour_names_its_zone():
    first = datetime(2026, 11, 1, 6, 30, tzinfo=UTC)  # 01:30 CDT in Chicago
    second = datetime(2026, 11, 1, 7, 30, tzinfo=UTC)  # 01:30 CST, an hour later
    assert when(first, "America/Chicago") == "Sun 1 Nov 2026, 01:30 CDT"
    assert when(second, "America/Chicago") == "Sun 1 Nov 2026, 01:30 CST"


def test_a_spanish_page_writes_spanish_names():
    with translation.override("es"):
        assert day(date(2026, 12, 3)) == "jue 3 dic 2026"


def test_a_day_of_the_week_on_show_is_written_without_its_year_in_english_and_spanish():
    friday = date(2026, 12, 4)
    with translation.override("en"):
        assert short_day(friday) == "Fri 4 Dec"
        assert day(friday) == "Fri 4 Dec 2026"
    with translation.override("es"):
        assert short_day(friday) == "vie 4 dic"
        assert day(friday) == "vie 4 dic 2026"
    # A moment is first put in the program's zone: 02:00 UTC on Saturday is Friday in Chicago.
    with timezone.override(ZoneInfo("America/Chicago")):
        assert short_day(datetime(2026, 12, 5, 2, 0, tzinfo=UTC)) == "Fri 4 Dec"
    assert short_day(None) == ""


def test_the_suite_runs_on_its_own_clock_whatever_the_day():
    """Dates the test world calls past or still to come stay so on any day the suite runs."""
    assert timezone.localdate(timezone=SUITE_NOW.tzinfo) == SUITE_NOW.date()


def test_a_month_is_written_as_a_date_writes_its_month_and_year():
    december = date(2025, 12, 1)
    with translation.override("en"):
        assert month(december) == "Dec 2025"
        assert month(date(2026, 1, 31)) == "Jan 2026"
    with translation.override("es"):
        assert month(december) == "dic 2025"
    # 03:00 UTC on 1 January is still December in Chicago.
    with timezone.override(ZoneInfo("America/Chicago")):
        assert month(datetime(2026, 1, 1, 3, 0, tzinfo=UTC)) == "Dec 2025"
    assert month(None) == ""


def test_a_participant_reads_the_12_hour_clock_in_english_and_the_24_hour_in_spanish():
    """Staff pages keep one 24-hour `clock`; a participant's page follows Django's time format
    for their language, written as US programs write the 12-hour clock."""
    chicago = ZoneInfo("America/Chicago")
    evening = datetime(2026, 12, 3, 19, 5, tzinfo=chicago)
    with translation.override("en-us"), timezone.override(chicago):
        assert [portal_clock(time(h, m)) for h, m in ((0, 0), (9, 5), (12, 0), (23, 59))] == [
            "12:00 AM",
            "9:05 AM",
            "12:00 PM",
            "11:59 PM",
        ]
        assert portal_clock(evening) == "7:05 PM"
        assert portal_clock(evening.astimezone(UTC)) == "7:05 PM"
        assert portal_clock(evening, "America/New_York") == "8:05 PM"
        assert portal_when(evening) == "Thu 3 Dec 2026, 7:05 PM CST"
        assert clock(evening) == "19:05"
    with translation.override("es"), timezone.override(chicago):
        assert portal_clock(time(9, 5)) == "09:05"
        assert portal_clock(evening) == "19:05"
        assert portal_when(evening) == "jue 3 dic 2026, 19:05 CST"


def test_a_staff_row_of_another_program_and_a_time_of_day_are_written_on_the_one_clock():
    """A page across programs writes each row's times in its program's zone, and a group's
    start or a person's working hours (times without a date) as the same 24-hour clock."""
    noon = datetime(2026, 12, 3, 18, 0, tzinfo=UTC)
    with timezone.override(ZoneInfo("America/Chicago")):
        assert clock(noon) == "12:00"
        assert clock(noon, "America/Los_Angeles") == "10:00"
        assert zone_letters(noon, "America/Los_Angeles") == "PST"
        assert zone_letters(noon) == "CST"
    assert clock(time(0, 0)) == "00:00"
    assert clock(time(9, 5)) == "09:05"
    assert clock(None) == "" and zone_letters(None) == ""


def test_no_template_writes_a_time_with_its_own_format():
    """Times go through the clock filters (`clock` on staff pages, `portal_clock` on a
    participant's), so every page writes one format and the right zone. A value a form's
    script reads (`data-start="{{ t|time:'H:i' }}"`) is data, not a time shown."""
    own_format = re.compile(r"""(?<!=")\{\{[^}]*\|time:""")
    roots = [
        Path(django_settings.BASE_DIR) / "templates",
        *Path(django_settings.BASE_DIR).glob("*/templates"),
    ]
    found = [
        f"{path.relative_to(django_settings.BASE_DIR)}:{number}"
        for root in roots
        for path in root.rglob("*.html")
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if own_format.search(line)
    ]
    assert found == []
