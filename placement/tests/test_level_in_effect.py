"""The level of care in effect on a day: the latest decision made on or before it, the one
recorded last of a day's, whatever order they were recorded in (a decision entered late,
dated back, never takes the place of one made after it)."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from accounts.models import LevelOfCare
from audit.models import AuditEvent
from participants.models import Episode, EpisodeStatus
from placement import services
from placement.export import level_of_care_section
from placement.models import LevelOfCareDecision
from placement.tests.builders import IOP_RATINGS, NOTES
from tandem.errors import InvalidInput

CHICAGO = ZoneInfo("America/Chicago")
RESIDENTIAL_RATINGS = {**IOP_RATINGS, "6": 4}
IOP = "Level 2.1 — Intensive outpatient"
RESIDENTIAL = "Level 3 — Residential"


def _at(day: date) -> datetime:
    return datetime.combine(day, datetime.min.time(), tzinfo=CHICAGO).replace(hour=16)


def _decide(episode, *, by, on, recorded, current=None, level=LevelOfCare.IOP):
    residential = level == LevelOfCare.RESIDENTIAL
    return services.record_decision(
        episode,
        ratings=RESIDENTIAL_RATINGS if residential else IOP_RATINGS,
        notes=NOTES,
        chosen_level=level,
        by=by,
        current_id=current.public_id if current else None,
        decided_on=on,
        now=_at(recorded),
        reason="Recorded late: the team's view before the family meeting." if residential else "",
        refer_to="Cedar House Residential" if residential else "",
    )


def _newer_then_back_dated(episode, by):
    """A decision for the IOP made on 28 November, then one for residential care made on 20
    November and recorded on 30 November, after it."""
    newer = _decide(episode, by=by, on=date(2026, 11, 28), recorded=date(2026, 11, 28))
    _decide(
        episode,
        by=by,
        on=date(2026, 11, 20),
        recorded=date(2026, 11, 30),
        current=newer,
        level=LevelOfCare.RESIDENTIAL,
    )
    return newer


def _admit(episode, by, on):
    episode = Episode.objects.get(pk=episode.pk)
    return services.admit(
        episode, by=by, on=on, primary_clinician=by, expected_version=episode.version
    )


def test_admission_reads_the_decision_in_effect_on_its_day_not_the_one_recorded_last(world):
    """On 25 November the back-dated decision for residential care was in effect, though the
    one for the IOP made later was recorded first: admitting that day is refused."""
    episode = world.referral_episode
    _newer_then_back_dated(episode, world.intake)

    with pytest.raises(InvalidInput) as refused:
        _admit(episode, world.director, date(2026, 11, 25))
    assert refused.value.message.startswith(
        f"The level-of-care decision in effect on Wed 25 Nov 2026 is {RESIDENTIAL}, not {IOP}."
    )
    assert Episode.objects.get(pk=episode.pk).admitted_on is None

    admitted = _admit(episode, world.director, date(2026, 11, 28))
    assert (admitted.status, admitted.admitted_on) == (EpisodeStatus.ADMITTED, date(2026, 11, 28))


def test_an_admission_dated_before_every_decision_is_refused(world):
    episode = world.referral_episode
    _decide(episode, by=world.intake, on=date(2026, 11, 28), recorded=date(2026, 11, 28))
    with pytest.raises(InvalidInput) as refused:
        _admit(episode, world.director, date(2026, 11, 27))
    assert refused.value.message == (
        "No level-of-care decision is in effect on the admission date (Fri 27 Nov 2026): the "
        f"first is dated Sat 28 Nov 2026. Admit on the day of a decision for {IOP} or later."
    )


def test_once_admitted_a_decision_dated_before_the_admission_is_refused_and_nothing_written(
    world,
):
    """The world's participant was admitted on 8 September: a decision recorded since is a
    review in care, so it may be dated that day, not the day before; the referral not yet
    admitted takes one dated back to its referral day, as intake decides before admitting."""
    before = LevelOfCareDecision.objects.count()
    events = AuditEvent.objects.filter(event_type="level_of_care.decided").count()
    with pytest.raises(InvalidInput) as refused:
        _decide(world.episode, by=world.therapist, on=date(2026, 9, 7), recorded=date(2026, 12, 1))
    assert refused.value.field == "decided_on"
    assert refused.value.message.startswith(
        "The decision date (Mon 7 Sep 2026) is before the admission of Tue 8 Sep 2026"
    )
    assert LevelOfCareDecision.objects.count() == before
    assert AuditEvent.objects.filter(event_type="level_of_care.decided").count() == events

    made = _decide(
        world.episode, by=world.therapist, on=date(2026, 9, 8), recorded=date(2026, 12, 1)
    )
    assert made.decided_on == date(2026, 9, 8)

    # Before an admission, intake decides the level: back to the referral's day.
    at_intake = _decide(
        world.referral_episode, by=world.intake, on=date(2026, 11, 1), recorded=date(2026, 11, 30)
    )
    assert at_intake.decided_on == date(2026, 11, 1)


def test_the_record_export_lists_every_level_in_date_order_and_marks_the_one_in_force(world):
    """A review on 20 November superseded the admission day's decision; one made on 1 October
    was recorded after both. The export keeps all three at their days, the review in force."""
    episode = world.episode
    admission = _decide(episode, by=world.therapist, on=date(2026, 9, 8), recorded=date(2026, 9, 8))
    review = _decide(
        episode,
        by=world.therapist,
        on=date(2026, 11, 20),
        recorded=date(2026, 11, 20),
        current=admission,
    )
    _decide(
        episode,
        by=world.therapist,
        on=date(2026, 10, 1),
        recorded=date(2026, 11, 30),
        current=review,
        level=LevelOfCare.RESIDENTIAL,
    )
    rows = level_of_care_section(world.participant)
    assert [(r["decided_on"], r["chosen"], r["in_force"]) for r in rows] == [
        (date(2026, 9, 8), IOP, False),
        (date(2026, 10, 1), RESIDENTIAL, False),
        (date(2026, 11, 20), IOP, True),
    ]
