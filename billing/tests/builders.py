"""Rows for the billing tests, written through the services where there is one."""

from datetime import date, datetime, time

from accounts.models import Program
from assessments.services import record_administration
from assessments.tests.administration_helpers import answers
from attendance.models import Attendance
from attendance.tests.builders import make_session, record
from billing import services
from billing.models import Coverage, Payer
from consent.models import TPO_PURPOSE, TPO_RECIPIENTS, Consent
from consent.services import record_consent
from participants.models import Episode

# Last week as the suite's clock (Tuesday 1 December 2026) sees it: Monday 23 to Sunday 29
# November 2026, in the world's zone (America/Chicago).
LAST_WEEK = date(2026, 11, 23)


def payer(world, name: str = "Prairie Health Plan", code: str = "H0015") -> Payer:
    return services.add_payer(world.org, by=world.users["billing"], name=name, per_diem_code=code)


def cover(
    world, episode: Episode, by_payer: Payer | None, *, starts_on=date(2026, 9, 8), ends_on=None
) -> Coverage:
    return services.add_coverage(
        episode.participant,
        by=world.users["billing"],
        payer=by_payer,
        member_id="M-1234",
        starts_on=starts_on,
        ends_on=ends_on,
    )


def tpo_consent(world, episode: Episode, *, signed_on=date(2026, 9, 8)) -> Consent:
    return record_consent(
        episode.participant,
        by=world.therapist,
        episode=episode,
        kind="part2",
        signed_on=signed_on,
        discloser="Adult IOP",
        information="SUD treatment records (synthetic)",
        parts=[
            "episodes",
            "diagnoses",
            "level_of_care",
            "treatment_plan",
            "attendance",
            "coverage",
        ],
        tpo=True,
        recipients=TPO_RECIPIENTS,
        recipients_hipaa=True,
        purpose=TPO_PURPOSE,
        expiry="none",
    )


def attended(
    program: Program, episode: Episode, day: date, minutes: int, *, start=time(9, 0)
) -> Attendance:
    """A session on `day` the participant attended for `minutes`."""
    session = make_session(program, day, start=start, minutes=minutes)
    return record(session, episode, "present", minutes)


def administered(world, episode: Episode, code: str, moment: datetime):
    return record_administration(
        episode.participant,
        code=code,
        answers=answers(code),
        mode="staff-entered",
        by=world.therapist,
        completed_at=moment,
    )
