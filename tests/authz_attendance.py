"""Authorization rows for the attendance pages and API (SCHEDULE scope).

Roll call URLs carry a session id, not a participant id; their facilitator rule is tested in
attendance/tests/test_roll_call.py. Billing reads schedule data but records none of it.
"""

from datetime import timedelta

from django.utils import timezone

from scheduling.models import Session, SessionMode
from tests.authz import SCHEDULE_READ, SCHEDULE_WRITE, Endpoint


def _make_up_session(world) -> dict:
    """A group with room in two days' time, for enrolling the participant as a make-up."""
    starts = timezone.now() + timedelta(days=2)
    session, _ = Session.objects.get_or_create(
        program=world.program,
        title="Matrix make-up group",
        defaults={
            "kind": Session.Kind.GROUP,
            "date": timezone.localdate(starts, world.program.tz),
            "starts_at": starts,
            "ends_at": starts + timedelta(minutes=90),
            "minutes": 90,
            "mode": SessionMode.IN_PERSON,
            "capacity": 10,
        },
    )
    return {"session": str(session.public_id)}


ENDPOINTS = {
    "attendance:participant_attendance": Endpoint("GET", frozenset(SCHEDULE_READ)),
    "attendance:make_up": Endpoint("GET", frozenset(SCHEDULE_READ)),
    "attendance:make_up_enrol": Endpoint("POST", frozenset(SCHEDULE_WRITE), data=_make_up_session),
    "api:attendance_dose": Endpoint("API_GET", frozenset(SCHEDULE_READ)),
}
