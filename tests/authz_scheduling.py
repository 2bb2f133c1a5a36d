"""Authorization rows for a participant's schedule (SCHEDULE scope): the chart tab, its forms,
the mid-week admission run and the week API. Billing reads schedules but changes none of them.

Program-wide pages (calendar, week views, schedule runs) carry no participant id; their role
rules are tested in scheduling/tests/.
"""

from tests.authz import SCHEDULE_READ, SCHEDULE_WRITE, Endpoint


def _availability(world) -> dict:
    return {
        "a-version": 1,
        "w-TOTAL_FORMS": 1,
        "w-INITIAL_FORMS": 0,
        "w-0-weekday": 1,
        "w-0-start": "17:30",
        "w-0-end": "21:30",
    }


def _profile(world) -> dict:
    return {
        "mode": "either",
        "max_days": 4,
        "required_minutes": "",
        "individual_minutes": 50,
        "individual_staff": "",
        "note": "",
        "version": 1,
    }


ENDPOINTS = {
    "scheduling:participant": Endpoint("GET", frozenset(SCHEDULE_READ)),
    "scheduling:participant_admission_run": Endpoint("GET", frozenset(SCHEDULE_READ)),
    "scheduling:participant_profile": Endpoint("POST", frozenset(SCHEDULE_WRITE), data=_profile),
    "scheduling:participant_availability": Endpoint(
        "POST", frozenset(SCHEDULE_WRITE), data=_availability
    ),
    "scheduling:participant_groups": Endpoint(
        "POST", frozenset(SCHEDULE_WRITE), data=lambda w: {"version": 1}
    ),
    "scheduling:participant_place": Endpoint("POST", frozenset(SCHEDULE_WRITE)),
    "api:schedule_participant_week": Endpoint("API_GET", frozenset(SCHEDULE_READ)),
}
