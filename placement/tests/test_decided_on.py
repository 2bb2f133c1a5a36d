"""The day a decision was made: chosen by the clinician, checked, and what makes one current."""

import json
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from accounts.models import LevelOfCare
from audit.models import AuditEvent
from placement import selectors, services
from placement.models import DimensionRating, LevelOfCareDecision, ReferralOut
from placement.tests.builders import IOP_RATINGS, NOTES
from tandem.errors import InvalidInput

CHICAGO = ZoneInfo("America/Chicago")
# Tuesday 1 December 2026, the afternoon in the world's program zone.
NOW = datetime(2026, 12, 1, 15, 0, tzinfo=CHICAGO)
RESIDENTIAL_RATINGS = {**IOP_RATINGS, "6": 4}


def _decide(episode, *, by, on, now=NOW, current=None, level=LevelOfCare.IOP, **extra):
    return services.record_decision(
        episode,
        ratings=RESIDENTIAL_RATINGS if level == LevelOfCare.RESIDENTIAL else IOP_RATINGS,
        notes=NOTES,
        chosen_level=level,
        by=by,
        current_id=current.public_id if current else None,
        decided_on=on,
        now=now,
        **extra,
    )


def _written() -> tuple[int, int, int, int]:
    return (
        LevelOfCareDecision.objects.count(),
        DimensionRating.objects.count(),
        ReferralOut.objects.count(),
        AuditEvent.objects.filter(event_type="level_of_care.decided").count(),
    )


def test_a_decision_made_at_yesterday_s_meeting_carries_that_day(world):
    made = _decide(world.referral_episode, by=world.intake, on=date(2026, 11, 30))

    assert made.decided_on == date(2026, 11, 30)
    assert made.recorded_at == NOW
    assert made.recorded_later
    event = AuditEvent.objects.get(event_type="level_of_care.decided", record_id=made.public_id)
    assert event.details["decided_on"] == "2026-11-30"


def test_left_out_the_day_is_the_program_s_today_not_utc_s(world):
    evening = datetime(2026, 12, 2, 3, 0, tzinfo=UTC)  # Tuesday 21:00 in Chicago
    made = _decide(world.referral_episode, by=world.intake, on=None, now=evening)
    assert made.decided_on == date(2026, 12, 1)
    assert not made.recorded_later


@pytest.mark.parametrize(
    ("on", "says"),
    [
        (date(2026, 12, 2), "The decision date (Wed 2 Dec 2026) is in the future"),
        (date(2026, 10, 31), "is before the referral of Sun 1 Nov 2026"),
        (date(1899, 12, 31), "The decision date must be"),
    ],
)
def test_a_day_in_the_future_or_before_the_referral_is_refused_and_nothing_written(world, on, says):
    before = _written()
    with pytest.raises(InvalidInput) as error:
        _decide(world.referral_episode, by=world.intake, on=on)
    assert error.value.field == "decided_on"
    assert says in error.value.message
    assert _written() == before


def test_the_referral_day_and_today_are_both_accepted(world):
    first = _decide(world.referral_episode, by=world.intake, on=date(2026, 11, 1))
    second = _decide(world.referral_episode, by=world.intake, on=date(2026, 12, 1), current=first)
    assert (first.decided_on, second.decided_on) == (date(2026, 11, 1), date(2026, 12, 1))
    assert second.supersedes == first


def test_a_back_dated_decision_recorded_after_a_newer_one_does_not_replace_it(world):
    episode = world.referral_episode
    newer = _decide(episode, by=world.intake, on=date(2026, 11, 28))
    older = _decide(
        episode,
        by=world.intake,
        on=date(2026, 11, 20),
        now=NOW.replace(hour=16),
        current=newer,
        level=LevelOfCare.RESIDENTIAL,
        reason="Recorded late: the team's first view, before the family meeting.",
        refer_to="Cedar House Residential",
    )

    assert selectors.current_decision(episode) == newer
    assert older.supersedes is None
    assert not LevelOfCareDecision.objects.filter(supersedes=newer).exists()
    assert [d.pk for d in selectors.decisions_for(episode)] == [newer.pk, older.pk]
    assert selectors.in_force(selectors.decisions_for(episode)) == newer
    # The admission guard reads the decision in force (the IOP), not the later-recorded one.
    assert services.admission_guard(episode, "admitted") is None
    event = AuditEvent.objects.get(event_type="level_of_care.decided", record_id=older.public_id)
    assert event.details["supersedes"] is None
    assert event.details["current"] == str(newer.public_id)
    # The next decision is made on top of the one in force, and supersedes it.
    latest = _decide(episode, by=world.intake, on=date(2026, 12, 1), current=newer)
    assert latest.supersedes == newer
    assert selectors.current_decision(episode) == latest


def test_of_two_decisions_made_the_same_day_the_one_recorded_later_is_current(world):
    episode = world.referral_episode
    first = _decide(episode, by=world.intake, on=date(2026, 11, 30))
    second = _decide(
        episode,
        by=world.intake,
        on=date(2026, 11, 30),
        now=NOW.replace(hour=16),
        current=first,
        level=LevelOfCare.RESIDENTIAL,
        refer_to="Cedar House Residential",
    )
    assert second.supersedes == first
    assert selectors.current_decision(episode) == second
    assert "Level 3 — Residential" in (services.admission_guard(episode, "admitted") or "")


def _form(**extra) -> dict:
    data: dict[str, object] = {"chosen_level": LevelOfCare.IOP, "action": "record"}
    for dimension, rating in IOP_RATINGS.items():
        data[f"rating_{dimension}"] = rating
        data[f"note_{dimension}"] = NOTES[dimension]
    return {**data, **extra}


def test_the_tab_offers_the_program_s_today_and_shows_a_back_dated_decision(world, login):
    client = login(world.intake)
    tab = reverse("placement:level_of_care", args=[world.referral.public_id])
    decide = reverse("placement:decide", args=[world.referral.public_id])
    today = world.program.today().isoformat()

    assert f'name="decided_on" value="{today}"' in client.get(tab).content.decode()

    before = _written()
    refused = client.post(decide, _form(decided_on="2026-12-31"))
    assert refused.status_code == 400
    assert "is in the future" in refused.content.decode()
    assert _written() == before

    response = client.post(decide, _form(decided_on="2026-11-30"))
    assert response.status_code == 302
    page = client.get(tab).content.decode()
    assert f"decided on Mon 30 Nov 2026 by {world.intake} (recorded Tue 1 Dec 2026, " in page
    assert f"Decided on Mon 30 Nov 2026 by {world.intake}, recorded Tue 1 Dec 2026, " in page


def test_the_history_marks_a_decision_dated_before_the_one_in_force(world, login):
    newer = _decide(world.referral_episode, by=world.intake, on=date(2026, 11, 28))
    _decide(
        world.referral_episode,
        by=world.intake,
        on=date(2026, 11, 20),
        current=newer,
        now=NOW.replace(hour=16),
    )
    page = (
        login(world.intake)
        .get(reverse("placement:level_of_care", args=[world.referral.public_id]))
        .content.decode()
    )
    assert (
        "Current decision: <strong>Level 2.1 — Intensive outpatient</strong>, decided on Sat 28"
        in page
    )
    assert (
        "<h3>Fri 20 Nov 2026 — Level 2.1 — Intensive outpatient "
        '<span class="muted">(dated before the current decision)</span></h3>'
    ) in page


def _api(world) -> str:
    return reverse("api:record_level_of_care", args=[world.referral.public_id])


def _body(**extra) -> str:
    return json.dumps(
        {"ratings": IOP_RATINGS, "notes": NOTES, "chosen_level": LevelOfCare.IOP, **extra}
    )


def test_the_api_takes_the_day_and_says_which_decision_is_in_force(world, login):
    client = login(world.intake)
    newer = client.post(
        _api(world), _body(decided_on="2026-11-28"), content_type="application/json"
    )
    assert newer.status_code == 201
    assert newer.json()["decided_on"] == "2026-11-28" and newer.json()["in_force"]

    older = client.post(
        _api(world),
        _body(decided_on="2026-11-20", current=newer.json()["id"]),
        content_type="application/json",
    )
    assert older.status_code == 201
    assert older.json()["decided_on"] == "2026-11-20"
    assert not older.json()["in_force"] and older.json()["supersedes"] is None

    listed = client.get(_api(world)).json()
    assert [(d["decided_on"], d["in_force"]) for d in listed] == [
        ("2026-11-28", True),
        ("2026-11-20", False),
    ]


def test_the_api_defaults_to_today_and_refuses_a_day_to_come(world, login):
    client = login(world.intake)
    before = _written()
    refused = client.post(
        _api(world), _body(decided_on="2026-12-31"), content_type="application/json"
    )
    assert refused.status_code == 422
    (error,) = refused.json()["detail"]
    assert error["field"] == "decided_on" and "is in the future" in error["message"]
    assert _written() == before

    made = client.post(_api(world), _body(), content_type="application/json")
    assert made.status_code == 201
    assert made.json()["decided_on"] == world.program.today().isoformat()
