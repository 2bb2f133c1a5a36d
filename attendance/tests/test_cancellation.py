"""Cancelling a session emails each enrolled participant and offers make-up sessions."""

from datetime import date, datetime, time, timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from attendance import services, weekly
from attendance.dose import current_week
from attendance.models import WeeklyMinutes
from attendance.selectors import cancellation_notices
from attendance.tests.builders import active_participant, enrol, make_session
from audit.models import AuditEvent, Outcome
from participants.models import Participant
from scheduling.models import AttendanceMode, Enrolment, SchedulingProfile, Session, SessionMode
from scheduling.services import cancel_session
from tandem.errors import InvalidInput
from tandem.tests.refusing_mail import REFUSING_MAIL


@pytest.fixture
def week(world, roster):
    """A group later this week (to cancel) and the other sessions that week, some unsuitable.

    Everything is placed in next week, so "still to come" holds whatever day the tests run.
    """
    monday = current_week(world.program) + timedelta(days=7)
    cancelled = make_session(world.program, monday + timedelta(days=1), title="Relapse prevention")
    for episode in roster:
        enrol(cancelled, episode)
    open_group = make_session(
        world.program,
        monday + timedelta(days=3),
        start=time(17, 30),
        title="Mindfulness skills",
        capacity=10,
    )
    full = make_session(world.program, monday + timedelta(days=2), title="Full group", capacity=1)
    enrol(full, active_participant(world, "T-000050", "Gale", "Full"))
    virtual = make_session(
        world.program,
        monday + timedelta(days=2),
        title="Virtual check-in",
        mode=SessionMode.VIRTUAL,
    )
    next_week = make_session(world.program, monday + timedelta(days=8), title="Next week group")
    already = make_session(world.program, monday + timedelta(days=4), title="Friday group")
    enrol(already, roster[1])  # Alex is already in Friday's group
    return {
        "cancelled": cancelled,
        "open": open_group,
        "full": full,
        "virtual": virtual,
        "next_week": next_week,
        "friday": already,
    }


def test_cancelling_emails_each_enrolled_participant_with_make_up_options(
    world, roster, week, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        cancel_session(week["cancelled"], by=world.director, reason="Facilitator ill")

    assert len(mail.outbox) == 3  # Casey has no email address
    for message in mail.outbox:
        assert len(message.to) == 1 and not message.cc and not message.bcc
    by_address = {m.to[0]: m for m in mail.outbox}
    robin = by_address["robin@example.invalid"]
    day = week["cancelled"].date
    assert f"Your session on {_english(day)} at 9:00 AM is cancelled." in robin.body
    assert "5:30 PM–8:30 PM (in person)" in robin.body
    assert _offered(week["open"]) in robin.body and _offered(week["friday"]) in robin.body
    for unsuitable in ("full", "virtual", "next_week"):
        assert _offered(week[unsuitable]) not in robin.body
    # Alex is already in Friday's group, so it is not offered to Alex.
    alex = by_address["alex@example.invalid"]
    assert _offered(week["open"]) in alex.body and _offered(week["friday"]) not in alex.body
    # Nothing clinical, and no one else's name.
    for message in mail.outbox:
        assert "Testperson" not in message.body and "Abbott" not in message.body
        assert "Facilitator ill" not in message.body
    notice = AuditEvent.objects.get(record_type="attendance.CancellationNotice")
    assert len(notice.details["emailed"]) == 3
    assert notice.details["without_email"] == [str(roster[3].participant.public_id)]


def _english(day: date) -> str:
    """A day as the English notice writes it: "Tue 8 Dec 2026"."""
    return f"{day:%a} {day.day} {day:%b} {day.year}"


SPANISH_WEEKDAYS = ("lun", "mar", "mié", "jue", "vie", "sáb", "dom")
SPANISH_MONTHS = [
    "ene",
    "feb",
    "mar",
    "abr",
    "may",
    "jun",
    "jul",
    "ago",
    "sep",
    "oct",
    "nov",
    "dic",
]


def _spanish(day: date) -> str:
    """A day as the Spanish notice writes it: "mar 8 dic 2026"."""
    return f"{SPANISH_WEEKDAYS[day.weekday()]} {day.day} {SPANISH_MONTHS[day.month - 1]} {day.year}"


def _twelve_hour(moment: datetime) -> str:
    """A time as the English notice writes it, as the participant's pages do: "5:30 PM"."""
    return f"{moment.hour % 12 or 12}:{moment.minute:02d} {'AM' if moment.hour < 12 else 'PM'}"


def _twenty_four_hour(moment: datetime) -> str:
    """A time as the Spanish notice writes it, Django's Spanish format: "17:30"."""
    return f"{moment:%H:%M}"


def _offered(session: Session, write=_english, in_person="in person", hours=_twelve_hour) -> str:
    """A make-up session as the email lists it: its day, its hours and how it is held."""
    starts = timezone.localtime(session.starts_at, session.program.tz)
    ends = timezone.localtime(session.ends_at, session.program.tz)
    mode = in_person if session.mode == SessionMode.IN_PERSON else "online"
    return f"  - {write(starts.date())}, {hours(starts)}–{hours(ends)} ({mode})"


def test_the_email_names_no_group_so_a_lock_screen_does_not_say_what_treatment_it_is(
    world, roster, week, django_capture_on_commit_callbacks
):
    """A group's title (Relapse prevention) in a notice on a phone's lock screen would tell
    whoever sees it that the participant is in substance-use treatment (42 CFR Part 2)."""
    with django_capture_on_commit_callbacks(execute=True):
        cancel_session(week["cancelled"], by=world.director, reason="Facilitator ill")

    assert mail.outbox
    titles = [session.title for session in week.values()]
    for message in mail.outbox:
        day = week["cancelled"].date
        assert message.subject == f"Cancelled: your session on {_english(day)}"
        for title in titles:
            assert title not in message.subject and title not in message.body


def test_a_spanish_speaking_participant_gets_the_notice_in_spanish(
    world, roster, week, django_capture_on_commit_callbacks
):
    """The notice is in each participant's own language, days and times in the program's
    zone, and in neither language says what the treatment is."""
    Participant.objects.filter(pk=roster[1].participant_id).update(preferred_language="Español")
    Participant.objects.filter(pk=roster[2].participant_id).update(preferred_language="English")
    with django_capture_on_commit_callbacks(execute=True):
        cancel_session(week["cancelled"], by=world.director, reason="Facilitator ill")

    by_address = {m.to[0]: m for m in mail.outbox}
    day = week["cancelled"].date
    alex = by_address["alex@example.invalid"]
    assert alex.subject == f"Cancelada: su sesión del {_spanish(day)}"
    assert f"Su sesión del {_spanish(day)} a las 09:00 está cancelada." in alex.body
    assert "17:30–20:30 (en persona)" in alex.body and " PM" not in alex.body
    assert _offered(week["open"], _spanish, "en persona", _twenty_four_hour) in alex.body
    assert "Llámenos para apuntarse a una de ellas." in alex.body
    assert "Your session" not in alex.body
    blair = by_address["blair@example.invalid"]
    assert blair.subject == f"Cancelled: your session on {_english(day)}"
    assert f"Your session on {_english(day)} at 9:00 AM is cancelled." in blair.body
    assert "5:30 PM–8:30 PM (in person)" in blair.body
    assert _offered(week["open"]) in blair.body and "Su sesión" not in blair.body
    titles = [session.title for session in week.values()]
    words = ["substance", "sustancia", "IOP", "recovery", "recupera", "relapse", "recaída"]
    for message in (alex, blair):
        text = f"{message.subject}\n{message.body}".lower()
        assert not [word for word in titles + words if word.lower() in text]


def test_a_refused_notice_leaves_no_address_in_the_log(
    world, roster, week, settings, caplog, django_capture_on_commit_callbacks
):
    """The mail server's refusal quotes the addresses; the log names the session instead."""
    settings.EMAIL_BACKEND = REFUSING_MAIL
    with django_capture_on_commit_callbacks(execute=True):
        cancel_session(week["cancelled"], by=world.director, reason="Facilitator ill")

    session = week["cancelled"].public_id
    assert f"The cancellation notice of session {session} was not sent" in caplog.text
    assert "@example.invalid" not in caplog.text


def test_no_email_leaves_when_the_cancellation_rolls_back(world, roster, week):
    with pytest.raises(InvalidInput):
        cancel_session(week["cancelled"], by=world.director, reason="")
    assert mail.outbox == []
    assert Session.objects.get(pk=week["cancelled"].pk).status == Session.Status.SCHEDULED


def test_only_a_cancelled_session_sends_a_notice(world, week):
    with pytest.raises(InvalidInput, match="Only a cancelled session"):
        services.notify_cancellation(week["open"], by=world.director)


def test_cancellation_page_lists_options_and_enrols_a_make_up(world, login, roster, week):
    cancel_session(week["cancelled"], by=world.director, reason="Room flooded")
    client = login(world.frontdesk)
    url = reverse("attendance:cancellation", args=[week["cancelled"].public_id])

    page = client.get(url).content.decode()

    assert "Cancelled: Relapse prevention" in page
    assert "Mindfulness skills" in page and "Enrol as make-up" in page
    assert "no email: call them" in page  # Casey
    assert "Full group" not in page
    viewed = AuditEvent.objects.filter(record_id=str(week["cancelled"].public_id)).last()
    assert viewed is not None
    assert len(viewed.details["participants"]) == 4

    response = client.post(
        reverse("attendance:make_up_enrol", args=[world.participant.public_id]),
        {"session": str(week["open"].public_id), "next": url},
    )

    assert response.status_code == 302 and response.url == url
    enrolment = Enrolment.objects.get(session=week["open"], participant=world.participant)
    assert (enrolment.source, enrolment.created_by) == ("make_up", world.frontdesk)
    on = week["open"].date
    assert (
        f"enrolled in {week['open'].title} on {on:%a} {on.day} {on:%b} {on.year} as a make-up."
        in client.get(url).content.decode()
    )
    robin = next(
        n for n in cancellation_notices(week["cancelled"]) if n.participant == world.participant
    )
    assert [s.title for s in robin.options] == ["Friday group"]


def test_cancellation_page_says_who_was_emailed(
    world, login, roster, week, django_capture_on_commit_callbacks
):
    week["cancelled"].staff.add(world.outsider)
    with django_capture_on_commit_callbacks(execute=True):
        cancel_session(week["cancelled"], by=world.director, reason="Facilitator ill")
    page = login(world.outsider).get(
        reverse("attendance:cancellation", args=[week["cancelled"].public_id])
    )
    text = page.content.decode()
    assert page.status_code == 200
    assert "was sent the cancellation notice" in text
    assert text.count("emailed") == 3 and "no email: call them" in text
    assert "Call those flagged below" in text
    assert "Enrol as make-up" not in text  # a facilitator does not book other groups


def test_make_up_enrolment_rules(world, roster, week):
    with pytest.raises(InvalidInput, match="full"):
        services.enrol_make_up(week["full"], world.participant, by=world.director)
    with pytest.raises(InvalidInput, match="already in that session"):
        services.enrol_make_up(week["friday"], roster[1].participant, by=world.director)
    with pytest.raises(InvalidInput, match="admitted to this program"):
        services.enrol_make_up(week["open"], world.referral, by=world.director)
    started = make_session(
        world.program,
        timezone.localdate(timezone.now(), world.program.tz) - timedelta(days=1),
        title="Yesterday",
    )
    with pytest.raises(InvalidInput, match="already started"):
        services.enrol_make_up(started, world.participant, by=world.director)
    assert not Enrolment.objects.filter(source="make_up").exists()


def test_billing_reads_make_up_options_but_cannot_enrol(world, login, roster, week):
    client = login(world.billing)
    page = client.get(reverse("attendance:make_up", args=[world.participant.public_id]))
    assert page.status_code == 200
    response = client.post(
        reverse("attendance:make_up_enrol", args=[world.participant.public_id]),
        {"session": str(week["open"].public_id)},
    )
    assert response.status_code == 403
    assert not Enrolment.objects.filter(source="make_up").exists()
    assert AuditEvent.objects.filter(actor=world.billing, outcome=Outcome.REFUSED).count() == 1


def test_make_up_page_offers_this_weeks_sessions_in_the_participants_mode(
    midweek, world, login, roster
):
    later = timezone.localtime(timezone.now(), world.program.tz) + timedelta(hours=2)
    in_person = make_session(world.program, later.date(), start=later.time(), title="Evening group")
    virtual = make_session(
        world.program,
        later.date(),
        start=later.time(),
        title="Evening online",
        mode=SessionMode.VIRTUAL,
    )
    SchedulingProfile.objects.create(episode=world.episode, mode=AttendanceMode.VIRTUAL)
    client = login(world.therapist)

    page = client.get(reverse("attendance:make_up", args=[world.participant.public_id]))

    text = page.content.decode()
    assert virtual.title in text and in_person.title not in text
    assert "Enrol as make-up" in text


def test_make_up_options_use_the_cancelled_sessions_week_and_mode(world, roster, week):
    Session.objects.filter(pk=week["cancelled"].pk).update(status=Session.Status.CANCELLED)
    week["cancelled"].refresh_from_db()
    notices = {
        n.participant.pk: [s.title for s in n.options]
        for n in cancellation_notices(week["cancelled"])
    }
    assert notices[world.participant.pk] == ["Mindfulness skills", "Friday group"]
    assert notices[roster[1].participant.pk] == ["Mindfulness skills"]


def test_a_session_with_a_roll_call_cannot_be_cancelled(world, group_today):
    """It took place: the roll call, and the weekly minutes it counted, stay as they are."""
    services.mark_all_present(group_today.session, by=world.director)
    session = group_today.session
    week = weekly.week_of(session.date)
    counted = {e.pk: session.minutes for e in group_today.episodes}
    with pytest.raises(InvalidInput, match="roll call recorded"):
        cancel_session(session, by=world.director, reason="Entered by mistake")
    assert Session.objects.get(pk=session.pk).status == Session.Status.SCHEDULED
    assert mail.outbox == []
    summary = WeeklyMinutes.objects.filter(episode_id__in=counted, week=week)
    assert dict(summary.values_list("episode_id", "minutes")) == counted


def test_no_notice_for_a_session_that_already_began(
    world, group_today, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        cancel_session(group_today.session, by=world.director, reason="Fire alarm")
    assert mail.outbox == []


def test_make_up_options_never_clash_with_the_participants_own_sessions(world, roster, week):
    clash = make_session(
        world.program,
        week["open"].date,
        start=week["open"].starts_at.astimezone(world.program.tz).time(),
        title="Robin's individual session",
        kind=Session.Kind.INDIVIDUAL,
        capacity=1,
    )
    enrol(clash, world.episode)
    Session.objects.filter(pk=week["cancelled"].pk).update(status=Session.Status.CANCELLED)
    week["cancelled"].refresh_from_db()
    notices = {
        n.participant.pk: [s.title for s in n.options]
        for n in cancellation_notices(week["cancelled"])
    }
    assert notices[world.participant.pk] == ["Friday group"]
    assert "Mindfulness skills" in notices[roster[2].participant.pk]


def test_cancelling_from_the_session_page_lands_on_the_make_up_page(world, login, roster, week):
    client = login(world.director)
    response = client.post(
        reverse("scheduling:session_cancel", args=[week["cancelled"].public_id]),
        {"reason": "Facilitator ill"},
    )
    assert response.url == reverse("attendance:cancellation", args=[week["cancelled"].public_id])
    assert "Enrol as make-up" in client.get(response.url).content.decode()


def test_nobody_is_to_be_called_when_everyone_was_emailed(
    world, login, roster, week, django_capture_on_commit_callbacks
):
    for episode in roster:
        episode.participant.email = f"{episode.participant.record_number}@example.invalid"
        episode.participant.save(update_fields=["email"])
    with django_capture_on_commit_callbacks(execute=True):
        cancel_session(week["cancelled"], by=world.director, reason="Facilitator ill")

    text = (
        login(world.director)
        .get(reverse("attendance:cancellation", args=[week["cancelled"].public_id]))
        .content.decode()
    )

    assert "sent the cancellation notice and their make-up options.</p>" in text  # no one to call
    assert "no email: call them" not in text


def test_a_make_up_and_a_drop_in_are_each_audited_on_their_own_enrolment(
    world, roster, week, group_today
):
    """Each enrolment outside the published schedule names its source, session and scope in
    its own event, by whoever added it."""
    made_up = services.enrol_make_up(week["open"], world.participant, by=world.director)
    walk_in = active_participant(world, "T-000020", "Dana", "Dropwell").participant
    services.add_drop_in(group_today.session, walk_in, by=world.outsider)
    dropped_in = Enrolment.objects.get(session=group_today.session, participant=walk_in)

    for enrolment, event_type, by in (
        (made_up, "enrolment.make_up_added", world.director),
        (dropped_in, "enrolment.drop_in_added", world.outsider),
    ):
        event = AuditEvent.objects.get(event_type=event_type)
        assert (event.actor_id, event.participant_id, event.outcome) == (
            by.pk,
            enrolment.participant_id,
            Outcome.ALLOWED,
        )
        assert (event.record_type, event.record_id) == (
            "scheduling.Enrolment",
            str(enrolment.public_id),
        )
        assert {k: event.details[k] for k in ("scope", "session", "source")} == {
            "scope": "schedule",
            "session": str(enrolment.session.public_id),
            "source": enrolment.source,
        }
        assert enrolment.created_by == by
