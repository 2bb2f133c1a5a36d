"""Diagnoses: validated codes, status lifecycle, who may diagnose, and the co-occurring flag."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from audit.models import AuditEvent, Outcome
from intake import selectors, services
from intake.models import Diagnosis
from tandem.errors import AccessDenied, ConcurrentEdit, InvalidInput


def _add(world, code, status="confirmed", by=None):
    return services.add_diagnosis(
        world.episode,
        code=code,
        status=status,
        made_on=world.program.today(),
        by=by or world.therapist,
    )


def test_a_diagnosis_keeps_the_code_its_description_and_who_made_it_when(world):
    d = _add(world, "f10.24", status="provisional")
    assert (d.code, d.description) == (
        "F10.24",
        "Alcohol dependence with alcohol-induced mood disorder",
    )
    assert (d.kind, d.substance_induced, d.status) == ("sud", True, "provisional")
    assert (d.recorded_by, d.made_on) == (world.therapist, world.program.today())


def test_an_unknown_code_is_refused_and_nothing_is_written(world):
    with pytest.raises(InvalidInput, match="not in Tandem's list") as error:
        _add(world, "F99.99")
    assert error.value.field == "code"
    assert not Diagnosis.objects.exists()


def test_dates_in_the_future_and_closed_statuses_are_refused(world):
    with pytest.raises(InvalidInput, match="future"):
        services.add_diagnosis(
            world.episode,
            code="F33.1",
            status="confirmed",
            made_on=world.program.today() + timedelta(days=1),
            by=world.therapist,
        )
    with pytest.raises(InvalidInput, match="provisional, confirmed or in remission"):
        _add(world, "F33.1", status="resolved")


def test_the_same_code_twice_on_an_episode_is_refused(world):
    _add(world, "F33.1")
    with pytest.raises(InvalidInput, match="already on this episode"):
        _add(world, "F33.1", status="provisional")


@pytest.mark.parametrize("persona", ["peer", "nurse", "casemanager"])
def test_only_licensed_clinicians_diagnose(world, persona):
    with pytest.raises(AccessDenied):
        _add(world, "F33.1", by=world.users[persona])
    assert AuditEvent.objects.filter(actor=world.users[persona]).latest("id").outcome == (
        Outcome.REFUSED
    )


def test_status_moves_along_its_lifecycle_with_who_and_when(world):
    d = _add(world, "F11.20", status="provisional")
    d = services.change_diagnosis_status(
        d, to_status="confirmed", by=world.prescriber, expected_version=1
    )
    d = services.change_diagnosis_status(
        d, to_status="in_remission", by=world.prescriber, expected_version=d.version
    )
    assert (d.status, d.status_changed_by, d.version) == ("in_remission", world.prescriber, 3)
    with pytest.raises(InvalidInput, match="Allowed next: confirmed, entered in error, resolved"):
        services.change_diagnosis_status(
            d, to_status="provisional", by=world.therapist, expected_version=3
        )
    with pytest.raises(ConcurrentEdit):
        services.change_diagnosis_status(
            d, to_status="resolved", by=world.therapist, expected_version=2
        )


def test_entered_in_error_needs_a_reason(world):
    d = _add(world, "F12.20")
    with pytest.raises(InvalidInput, match="entered in error"):
        services.change_diagnosis_status(
            d, to_status="entered_in_error", by=world.therapist, expected_version=1
        )
    d = services.change_diagnosis_status(
        d,
        to_status="entered_in_error",
        note="Wrong participant's chart.",
        by=world.therapist,
        expected_version=1,
    )
    assert d.status_note == "Wrong participant's chart."


@pytest.mark.parametrize(
    ("codes", "expected"),
    [
        (["F10.20", "F33.1"], True),
        (["F11.20", "F43.10"], True),
        (["F10.24", "F41.1"], True),
        (["F10.24"], False),
        (["F10.94", "F33.1"], False),
        (["F17.210", "F33.1"], False),
        (["F12.20", "R45.851"], False),
        (["F33.1", "F43.10"], False),
    ],
)
def test_co_occurring_needs_an_active_sud_and_an_active_independent_mental_disorder(
    world, codes, expected
):
    for code in codes:
        _add(world, code)
    assert selectors.is_co_occurring(world.episode) is expected


def test_a_resolved_mental_health_diagnosis_ends_co_occurring(world):
    _add(world, "F10.20")
    mh = _add(world, "F33.1", status="provisional")
    assert selectors.is_co_occurring(world.episode)
    services.change_diagnosis_status(
        mh, to_status="resolved", by=world.therapist, expected_version=1
    )
    assert not selectors.is_co_occurring(world.episode)


def test_the_chart_header_shows_co_occurring_to_the_care_team_only(world, login):
    _add(world, "F15.20")
    _add(world, "F43.12")
    chart = reverse("participants:chart", args=[world.participant.public_id])
    assert b"Co-occurring" in login(world.therapist).get(chart).content
    assert b"Co-occurring" not in login(world.frontdesk).get(chart).content


def test_diagnoses_are_kept_per_episode(world):
    _add(world, "F10.20")
    assert selectors.diagnoses_for(world.referral_episode) == []
    assert world.episode.referred_on == date(2026, 9, 1)
