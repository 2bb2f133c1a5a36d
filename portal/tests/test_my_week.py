"""The participant's portal: their own week, hours attended against required, next week."""

from datetime import timedelta

from django.urls import reverse

from attendance.dose import current_week
from attendance.tests.builders import active_participant, enrol, make_session, record
from audit.models import AuditEvent, Outcome
from participants.services import mark_entered_in_error
from scheduling.models import SchedulingProfile, Session, SessionMode
from scheduling.publishing import INDIVIDUAL_TITLE


def _week(world):
    monday = current_week(world.program)
    program = world.program
    past = make_session(program, monday - timedelta(days=7), title="Group of last week")
    first = make_session(program, monday, title="Relapse prevention")
    online = make_session(
        program, monday + timedelta(days=6), title="DBT skills online", mode=SessionMode.VIRTUAL
    )
    online.video_link = "https://video.example.invalid/dbt"
    online.save(update_fields=["video_link"])
    upcoming = make_session(program, monday + timedelta(days=7), title="Group of next week")
    for s in (past, first, online, upcoming):
        enrol(s, world.episode)
    record(first, world.episode, "late", 150)
    return first, online, upcoming


def test_participant_sees_their_week_and_hours_against_required(world, login):
    _week(world)
    client = login(world.users["participant_user"])

    page = client.get(reverse("portal:home")).content.decode()

    assert "This week" in page
    assert (
        "So far this week you have attended <strong>2 hours 30 minutes</strong> of the "
        "<strong>9 hours</strong> you need." in page
    )
    assert "Relapse prevention" in page and "Late" in page
    assert "9:00 AM–12:00 PM" in page  # a US program's 12-hour clock
    assert 'href="https://video.example.invalid/dbt"' in page  # Sunday's online group
    assert "Group of next week" in page
    assert "Group of last week" not in page
    event = AuditEvent.objects.filter(
        actor=world.users["participant_user"], participant=world.participant
    ).latest("id")
    assert event.outcome == Outcome.ALLOWED and event.details["scope"] == "schedule"


def test_in_spanish_the_hours_still_to_come_and_the_hours_short_read_differently(world, login):
    """Both used to read "faltan …", so a week with 3 h to come and 3 h 30 min short said
    "faltan 3 h faltan 3 h 30 min"; the hours are said in words, in Spanish."""
    _week(world)
    world.participant.preferred_language = "Spanish"
    world.participant.save(update_fields=["preferred_language"])
    page = login(world.participant_user).get(reverse("portal:home")).content.decode()
    assert (
        "Hasta ahora esta semana ha asistido a <strong>2 horas y 30 minutos</strong>; necesita "
        "<strong>9 horas</strong>. Todavía quedan esta semana: 3 horas de sesiones." in page
    )
    assert "3 horas y 30 minutos por debajo de lo requerido — pregunte a su equipo" in page
    assert "faltan" not in page
    assert "09:00–12:00" in page  # Django's Spanish time format is the 24-hour clock


def test_the_portal_shows_no_one_else_s_sessions(world, login):
    other = active_participant(world, "T-000050", "Sam", "Else")
    monday = current_week(world.program)
    enrol(make_session(world.program, monday + timedelta(days=1), title="Group for Sam"), other)
    client = login(world.users["participant_user"])

    page = client.get(reverse("portal:home")).content.decode()

    assert "Group for Sam" not in page
    assert "No sessions this week yet" in page
    assert "not published yet" in page


def test_staff_are_sent_to_their_own_home(world, login):
    response = login(world.users["therapist"]).get(reverse("portal:home"))
    assert response.status_code == 302 and response.url == reverse("home")


def test_a_discharged_participant_sees_no_week(world, login):
    _week(world)
    world.episode.status = "discharged"
    world.episode.discharged_on = current_week(world.program) - timedelta(days=10)
    world.episode.save(update_fields=["status", "discharged_on"])

    page = login(world.users["participant_user"]).get(reverse("portal:home")).content.decode()

    assert "This week" not in page and "Relapse prevention" not in page


def test_the_portal_home_leaves_one_event_naming_the_week_it_shows(world, login):
    _week(world)
    client = login(world.users["participant_user"])
    before = AuditEvent.objects.filter(participant=world.participant).count()

    client.get(reverse("portal:home"))

    events = AuditEvent.objects.filter(participant=world.participant).order_by("id")[before:]
    assert len(events) == 1
    assert events[0].details["scope"] == "schedule" and events[0].details["shows_my_week"] is True


def test_a_record_entered_in_error_is_not_shown_as_theirs(world, login):
    """A record opened by mistake leaves every page, the participant's own portal too, as it
    leaves their check-in and questionnaire pages."""
    _week(world)
    mark_entered_in_error(world.participant, by=world.director, reason="Duplicate of T-000099")
    client = login(world.users["participant_user"])

    response = client.get(reverse("portal:home"))

    assert response.status_code == 404
    page = response.content.decode()
    assert "Relapse prevention" not in page and world.program.name not in page


def _excused(world, days: int) -> None:
    monday = current_week(world.program)
    for offset in range(days):
        session = make_session(world.program, monday + timedelta(days=offset), title="Group")
        enrol(session, world.episode)
        record(session, world.episode, "excused", 0)


def test_a_week_missed_with_an_excuse_says_so_instead_of_only_hours_short(world, login):
    """The dose counts an excused absence as not attended; the participant reads that it was
    excused, not only that they are short."""
    _excused(world, 3)

    page = login(world.participant_user).get(reverse("portal:home")).content.decode()

    assert "<strong>0 hours</strong> of the <strong>9 hours</strong> you need." in page
    assert "Missed with an excuse: 9 hours." in page
    assert (
        "9 hours short, all of it excused — ask your team if you would like a make-up session"
        in page
    )
    assert "dose-risk" not in page


def test_a_week_partly_excused_says_how_much_of_the_shortfall_is_excused(world, login):
    _excused(world, 2)

    page = login(world.participant_user).get(reverse("portal:home")).content.decode()

    assert "9 hours short (6 hours of it excused) — ask your team about a make-up session" in page


def test_the_home_links_to_the_plan_to_acknowledge_then_to_read(world, login):
    """Once acknowledged, the link no longer asks for it; the home's one event names the plan
    and whether it is acknowledged."""
    from plans.tests.builders import signed

    plan = signed(world)
    client = login(world.participant_user)
    assert (
        "Read your plan and acknowledge it" in client.get(reverse("portal:home")).content.decode()
    )

    client.post(reverse("plans:mine"), {"plan": plan.public_id})
    before = AuditEvent.objects.filter(participant=world.participant).count()
    page = client.get(reverse("portal:home")).content.decode()

    assert "Read your plan</a>" in page and "acknowledge it" not in page
    events = AuditEvent.objects.filter(participant=world.participant).order_by("id")[before:]
    assert len(events) == 1
    assert events[0].details["scope"] == "clinical"
    assert events[0].details["plan_acknowledged"] is True


def test_in_spanish_an_excused_week_says_it_was_excused(world, login):
    _excused(world, 3)
    world.participant.preferred_language = "Spanish"
    world.participant.save(update_fields=["preferred_language"])

    page = login(world.participant_user).get(reverse("portal:home")).content.decode()

    assert "Faltas justificadas: 9 horas." in page
    assert "9 horas por debajo de lo requerido, todo por ausencias justificadas" in page


def test_a_week_with_nothing_attended_yet_says_what_the_figures_are(world, login):
    """Not "Nothing yet of 9 h attended": the hours attended so far this week against the
    hours the participant's schedule asks of them, in words, in English and Spanish."""
    monday = current_week(world.program)
    enrol(make_session(world.program, monday, title="Relapse prevention"), world.episode)
    client = login(world.participant_user)
    page = client.get(reverse("portal:home")).content.decode()
    assert (
        "So far this week you have attended <strong>0 hours</strong> of the "
        "<strong>9 hours</strong> you need." in page
    )
    assert "Nothing yet" not in page and "0 min" not in page and " h " not in page
    world.participant.preferred_language = "Spanish"
    world.participant.save(update_fields=["preferred_language"])
    page = client.get(reverse("portal:home")).content.decode()
    assert (
        "Hasta ahora esta semana ha asistido a <strong>0 horas</strong>; necesita "
        "<strong>9 horas</strong>." in page
    )
    assert "So far" not in page and "Nada todavía" not in page


def test_the_hours_the_participant_s_schedule_asks_are_the_hours_they_read(world, login):
    """The figure after "of the" is their own weekly requirement (their scheduling profile),
    counted as the language counts it: one hour is "1 hour", "1 hora"."""
    SchedulingProfile.objects.update_or_create(
        episode=world.episode, defaults={"required_minutes": 60}
    )
    monday = current_week(world.program)
    enrol(make_session(world.program, monday, minutes=45, title="Check-in group"), world.episode)
    client = login(world.participant_user)
    page = client.get(reverse("portal:home")).content.decode()
    assert "<strong>0 hours</strong> of the <strong>1 hour</strong> you need" in page
    world.participant.preferred_language = "Spanish"
    world.participant.save(update_fields=["preferred_language"])
    page = client.get(reverse("portal:home")).content.decode()
    assert "<strong>0 horas</strong>; necesita <strong>1 hora</strong>." in page


def test_an_individual_session_is_named_in_the_participant_s_language(world, login):
    monday = current_week(world.program)
    individual = make_session(
        world.program, monday, minutes=50, title=INDIVIDUAL_TITLE, kind=Session.Kind.INDIVIDUAL
    )
    enrol(individual, world.episode)
    world.participant.preferred_language = "Spanish"
    world.participant.save(update_fields=["preferred_language"])
    page = login(world.participant_user).get(reverse("portal:home")).content.decode()
    assert "<strong>Sesión individual</strong>" in page
    assert INDIVIDUAL_TITLE not in page
