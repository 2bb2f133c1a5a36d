"""Decisions: the reason rule, immutability, supersession, referral out, the admission guard."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from accounts.models import LevelOfCare
from assessments.models import Administration
from audit.models import AuditEvent, Outcome
from discharge.tests.builders import discharge_world
from participants.models import CareTeamMember, Episode, EpisodeStatus
from participants.services import transition_episode
from placement import selectors, services
from placement.models import DimensionRating, LevelOfCareDecision, ReferralOut
from placement.tests.builders import IOP_RATINGS, NOTES, record
from tandem.errors import AccessDenied, ConcurrentEdit, InvalidInput
from tandem.records import ImmutableRecordError

RESIDENTIAL_RATINGS = {**IOP_RATINGS, "6": 4}


def test_a_decision_that_follows_the_recommendation_needs_no_reason(world, decide):
    made = decide(world.episode, by=world.therapist)
    assert (made.recommended_level, made.chosen_level, made.reason) == ("2.1", "2.1", "")
    assert made.rule_set == "tandem-default-1"
    assert [r["id"] for r in made.fired_rules] == ["moderate-needs", "outpatient-baseline"]
    assert list(made.ratings.values_list("dimension", "rating")) == sorted(IOP_RATINGS.items())


def test_a_different_level_needs_a_reason(world, decide):
    with pytest.raises(InvalidInput) as error:
        decide(world.episode, by=world.therapist, level=LevelOfCare.PHP, refer_to="Day program")
    assert error.value.field == "reason"
    assert (
        "differs from the recommendation (Level 2.1 — Intensive outpatient)" in error.value.message
    )
    made = decide(
        world.episode,
        by=world.therapist,
        level=LevelOfCare.PHP,
        refer_to="Riverside Day Program",
        reason="Two ED visits this month; needs daily structure.",
    )
    assert made.chosen_level == LevelOfCare.PHP and not made.follows_recommendation


def test_each_rating_above_zero_needs_a_note(world):
    with pytest.raises(InvalidInput, match="why dimension 3 is rated 2") as error:
        services.record_decision(
            world.episode,
            ratings=IOP_RATINGS,
            notes={**NOTES, "3": " "},
            chosen_level="2.1",
            by=world.therapist,
            current_id=None,
        )
    assert error.value.field == "note_3"
    with pytest.raises(InvalidInput, match="Rate dimension 4"):
        services.record_decision(
            world.episode,
            ratings={**IOP_RATINGS, "4": 7},
            notes=NOTES,
            chosen_level="2.1",
            by=world.therapist,
            current_id=None,
        )


def test_a_decision_is_immutable_and_a_new_one_supersedes_it(world, decide):
    first = decide(world.episode, by=world.therapist)
    first.reason = "edited"
    with pytest.raises(ImmutableRecordError):
        first.save()
    with pytest.raises(ImmutableRecordError):
        first.delete()
    with pytest.raises(ImmutableRecordError):
        first.ratings.first().save()
    second = decide(world.episode, by=world.counsellor)
    assert second.supersedes == first
    assert selectors.current_decision(world.episode) == second
    assert LevelOfCareDecision.objects.get(pk=first.pk).reason == ""


def test_a_new_decision_supersedes_through_the_record_base_keeping_its_reason(world, decide):
    first = decide(world.episode, by=world.therapist)
    why = "Two ED visits this month; needs daily structure."
    second = decide(
        world.episode,
        by=world.therapist,
        level=LevelOfCare.PHP,
        refer_to="Riverside Day Program",
        reason=why,
    )
    assert second.supersede_reason == why
    assert list(LevelOfCareDecision.objects.current().filter(episode=world.episode)) == [second]
    event = AuditEvent.objects.filter(event_type="level_of_care.decided").latest("id")
    assert (event.reason, event.details["supersedes"]) == (why, str(first.public_id))
    assert event.details["referral_out"] is True


def test_deciding_on_a_stale_page_is_a_concurrent_edit(world, decide):
    decide(world.episode, by=world.therapist)
    with pytest.raises(ConcurrentEdit):
        services.record_decision(
            world.episode,
            ratings=IOP_RATINGS,
            notes=NOTES,
            chosen_level="2.1",
            by=world.counsellor,
            current_id=None,
        )
    assert LevelOfCareDecision.objects.count() == 1


@pytest.mark.parametrize("persona", ["peer", "nurse", "casemanager"])
def test_only_licensed_clinicians_decide(world, decide, persona):
    with pytest.raises(AccessDenied):
        decide(world.episode, by=world.users[persona])
    assert AuditEvent.objects.filter(actor=world.users[persona]).latest("id").outcome == (
        Outcome.REFUSED
    )
    assert not LevelOfCareDecision.objects.exists()


def test_a_decision_for_another_level_records_a_referral_out(world, decide):
    with pytest.raises(InvalidInput, match="name the program or provider") as error:
        decide(world.referral_episode, by=world.intake, level="3", ratings=RESIDENTIAL_RATINGS)
    assert error.value.field == "refer_to"
    made = decide(
        world.referral_episode,
        by=world.intake,
        level="3",
        ratings=RESIDENTIAL_RATINGS,
        refer_to="Cedar House Residential",
    )
    referral = ReferralOut.objects.get(decision=made)
    assert (referral.to_level, referral.to_provider) == ("3", "Cedar House Residential")
    assert "living environment is severely unsafe" in referral.reason


def test_after_a_referral_out_the_episode_can_be_closed_as_transferred_out(world, decide):
    decide(
        world.referral_episode,
        by=world.intake,
        level="3",
        ratings=RESIDENTIAL_RATINGS,
        refer_to="Cedar House Residential",
    )
    closed = services.close_after_referral(
        world.referral_episode,
        to_status="transferred_out",
        by=world.intake,
        on=date(2026, 11, 12),
        expected_version=1,
        confirmed=True,
    )
    assert (closed.status, closed.discharged_on) == ("transferred_out", date(2026, 11, 12))
    assert closed.status_reason == "Referred to Cedar House Residential (Level 3 — Residential)"
    statuses = AuditEvent.objects.filter(record_id=str(closed.public_id)).order_by("id")
    assert [e.details["changes"]["status"]["after"] for e in statuses] == [
        "screening",
        "transferred_out",
    ]


def test_closing_needs_a_decision_that_refers_elsewhere(world, referral_decided_for_iop):
    with pytest.raises(InvalidInput, match="does not refer elsewhere"):
        services.close_after_referral(
            world.referral_episode,
            to_status="declined",
            by=world.intake,
            on=date(2026, 11, 12),
            expected_version=1,
            confirmed=True,
        )


def _admit_directly(episode, by):
    screening = transition_episode(
        episode,
        to_status="screening",
        by=by,
        on=date(2026, 11, 2),
        expected_version=episode.version,
    )
    return transition_episode(
        screening,
        to_status="admitted",
        by=by,
        on=date(2026, 11, 9),
        expected_version=screening.version,
    )


def test_admission_is_refused_without_a_decision(world):
    with pytest.raises(InvalidInput, match=r"Record a level-of-care decision for Level 2\.1"):
        _admit_directly(world.referral_episode, world.director)
    assert Episode.objects.get(pk=world.referral_episode.pk).status == "screening"


def test_admission_is_refused_when_the_decision_is_for_another_level(world, decide):
    decide(
        world.referral_episode,
        by=world.intake,
        level="3",
        ratings=RESIDENTIAL_RATINGS,
        refer_to="Cedar House",
    )
    with pytest.raises(InvalidInput, match="decision in effect on Mon 9 Nov 2026 is Level 3"):
        _admit_directly(world.referral_episode, world.director)


def test_an_admission_through_the_api_refused_for_the_decision_it_names_is_audited_as_a_read(
    world, decide, login
):
    decide(
        world.referral_episode,
        by=world.intake,
        level="3",
        ratings=RESIDENTIAL_RATINGS,
        refer_to="Cedar House",
    )
    screening = transition_episode(
        world.referral_episode,
        to_status="screening",
        by=world.director,
        on=date(2026, 11, 2),
        expected_version=world.referral_episode.version,
    )
    response = login(world.director).post(
        f"/api/v1/participants/{world.referral.public_id}"
        f"/episodes/{screening.public_id}/transition",
        {"to_status": "admitted", "on": "2026-11-09", "version": screening.version},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert (
        "decision in effect on Mon 9 Nov 2026 is Level 3" in response.json()["detail"][0]["message"]
    )
    read = AuditEvent.objects.filter(
        participant=world.referral, actor=world.director, details__refused="transition"
    )
    assert read.count() == 1


def test_admission_is_allowed_after_a_decision_for_the_iop(world, referral_decided_for_iop):
    admitted = _admit_directly(world.referral_episode, world.director)
    assert (admitted.status, admitted.admitted_on) == ("admitted", date(2026, 11, 9))


def test_admit_moves_a_referral_through_screening_and_sets_date_and_primary_clinician(
    world, referral_decided_for_iop
):
    admitted = services.admit(
        world.referral_episode,
        by=world.intake,
        on=date(2026, 11, 9),
        primary_clinician=world.therapist,
        expected_version=1,
    )
    assert (admitted.status, admitted.admitted_on, admitted.primary_clinician) == (
        EpisodeStatus.ADMITTED,
        date(2026, 11, 9),
        world.therapist,
    )
    assert CareTeamMember.objects.filter(
        episode=admitted, user=world.therapist, role="primary_clinician", ended_on__isnull=True
    ).exists()


def test_admit_refuses_a_primary_clinician_who_is_not_a_clinician(world, referral_decided_for_iop):
    with pytest.raises(InvalidInput, match="primary clinician"):
        services.admit(
            world.referral_episode,
            by=world.intake,
            on=date(2026, 11, 9),
            primary_clinician=world.frontdesk,
            expected_version=1,
        )
    assert Episode.objects.get(pk=world.referral_episode.pk).status == "referred"


def test_admit_refuses_an_episode_already_in_care(world, decide):
    decide(world.episode, by=world.therapist)
    with pytest.raises(InvalidInput, match="Only a referred or screening episode"):
        services.admit(
            world.episode,
            by=world.therapist,
            on=date(2026, 11, 9),
            primary_clinician=world.therapist,
            expected_version=1,
        )


def _administration(world, instrument, band, flags, days_ago=1):
    return Administration.objects.create(
        participant=world.participant,
        episode=world.episode,
        instrument=instrument,
        complete=True,
        band=band,
        flags=[{"code": f, "item": None, "message": f, "critical": True} for f in flags],
        completed_at=timezone.now() - timedelta(days=days_ago),
    )


def test_a_recent_high_cssrs_asks_for_a_safety_evaluation_before_an_outpatient_level(world, decide):
    _administration(world, "cssrs-screener", "high", ["suicide-risk"])
    with pytest.raises(InvalidInput, match="same-day safety evaluation") as error:
        decide(world.episode, by=world.therapist)
    assert error.value.field == "prerequisites_done"
    made = decide(world.episode, by=world.therapist, prerequisites_done=True)
    assert made.prerequisites_done and made.prerequisites
    assert made.instrument_results[0]["instrument"] == "cssrs-screener"


def test_old_corrected_or_struck_out_results_are_not_read(world):
    _administration(world, "cssrs-screener", "high", ["suicide-risk"], days_ago=45)
    wrong = _administration(world, "phq-9", "severe", ["suicide-risk"])
    Administration.objects.filter(pk=wrong.pk).update(
        entered_in_error_at=timezone.now(), entered_in_error_reason="Wrong chart"
    )
    original = _administration(world, "dast-10", "severe", [])
    Administration.objects.create(
        participant=world.participant,
        instrument="dast-10",
        complete=True,
        band="low",
        completed_at=timezone.now(),
        supersedes=original,
        supersede_reason="Typo in item 3",
    )
    results = selectors.recent_results(world.participant)
    assert [(r.instrument, r.band) for r in results] == [("dast-10", "low")]


def test_ratings_are_stored_as_dimension_ids_and_numbers(world, decide):
    made = decide(world.episode, by=world.therapist)
    assert DimensionRating.objects.filter(decision=made).count() == 6
    assert made.ratings.get(dimension="3").note == NOTES["3"]


def test_record_helper_supersedes_the_current_decision(world):
    first = record(world.episode, by=world.therapist)
    assert record(world.episode, by=world.therapist).supersedes == first


def test_a_closed_episode_gets_no_new_decision(world, decide):
    discharge_world(world)
    world.episode.refresh_from_db()
    # After discharge the chart is closed to new clinical records, by the access policy.
    with pytest.raises(AccessDenied, match="chart is closed"):
        decide(world.episode, by=world.supervisor)
