"""Every roll call response that shows participants leaves exactly one audit event, and no
one outside the roll call sees a row, even by sending a bad form."""

from django.urls import reverse

from attendance.models import AttendanceStatus
from audit.models import AuditEvent, Outcome
from scheduling.models import Enrolment

HTMX = {"HTTP_HX_REQUEST": "true"}


def _row_url(session, episode) -> str:
    enrolment = Enrolment.objects.get(session=session, participant=episode.participant)
    return reverse("attendance:record", args=[session.public_id, enrolment.public_id])


def _events(user, before: int) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(actor=user).order_by("id")[before:])


def _count(user) -> int:
    return AuditEvent.objects.filter(actor=user).count()


def test_a_bad_minutes_count_from_someone_outside_the_roll_call_shows_no_one(
    world, login, group_today
):
    """The therapist neither facilitates nor holds a schedule role: refused before the form
    is read, so a bad minutes count cannot bring the row (and its name) back."""
    client = login(world.therapist)
    before = _count(world.therapist)

    response = client.post(
        _row_url(group_today.session, world.episode),
        {"status": AttendanceStatus.LATE, "minutes": "abc", "version": 0},
        **HTMX,
    )

    assert response.status_code == 403
    assert world.participant.display_name not in response.content.decode()
    assert [e.outcome for e in _events(world.therapist, before)] == [Outcome.REFUSED]


def test_a_row_sent_back_with_its_error_is_audited_once(world, login, group_today):
    client = login(world.outsider)
    before = _count(world.outsider)

    response = client.post(
        _row_url(group_today.session, world.episode),
        {"status": AttendanceStatus.LATE, "minutes": "abc", "version": 0},
        **HTMX,
    )

    assert response.status_code == 422
    assert world.participant.display_name in response.content.decode()
    events = _events(world.outsider, before)
    assert [e.outcome for e in events] == [Outcome.ALLOWED]
    assert events[0].details["participants"] == [str(world.participant.public_id)]


def test_the_roll_after_mark_all_present_with_nothing_to_mark_is_audited_once(
    world, login, group_today
):
    client = login(world.outsider)
    url = reverse("attendance:mark_all_present", args=[group_today.session.public_id])
    client.post(url, **HTMX)
    before = _count(world.outsider)

    response = client.post(url, **HTMX)

    assert response.status_code == 200
    assert world.participant.display_name in response.content.decode()
    events = _events(world.outsider, before)
    assert [e.outcome for e in events] == [Outcome.ALLOWED]
    assert str(world.participant.public_id) in events[0].details["participants"]


def test_a_short_drop_in_search_without_htmx_shows_the_roll_call_once_audited(
    world, login, group_today
):
    client = login(world.outsider)
    before = _count(world.outsider)

    response = client.post(
        reverse("attendance:drop_in_search", args=[group_today.session.public_id]),
        {"text": "a"},
    )

    assert response.status_code == 400
    assert world.participant.display_name in response.content.decode()
    events = _events(world.outsider, before)
    assert [e.outcome for e in events] == [Outcome.ALLOWED]
    assert str(world.participant.public_id) in events[0].details["participants"]
