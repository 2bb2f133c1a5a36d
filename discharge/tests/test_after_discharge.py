"""After discharge: flags on the chart, a re-referral noticed, reach rates, the portal page."""

from datetime import date

from django.urls import reverse

from discharge.models import FollowUp, FollowUpStatus, ReadmissionSignal
from discharge.selectors import reach_rates
from discharge.tests.builders import discharge_world
from discharge.types import DischargeType
from participants.chart import header_flags
from participants.models import Episode


def test_the_chart_header_shows_the_discharge_and_a_medication_gap(world):
    discharge_world(world, aftercare={"on_moud": True})
    labels = [f.label for f in header_flags(world.participant, world.therapist)]
    assert "Discharged 2026-11-20: Completed the program" in labels
    assert "Medication gap: no next prescriber for MOUD" in labels


def test_a_new_referral_of_a_discharged_participant_is_a_readmission_signal(world):
    record = discharge_world(world)
    Episode.objects.create(
        participant=world.participant, program=world.program, referred_on=date(2027, 1, 5)
    )
    signal = ReadmissionSignal.objects.get()
    assert (signal.discharge, signal.kind) == (record, "re_referral")


def test_reach_rates_count_answered_and_reached_of_those_due(world):
    discharge_world(world)
    FollowUp.objects.filter(day=7).update(status=FollowUpStatus.ANSWERED)
    FollowUp.objects.filter(day=30).update(status=FollowUpStatus.NOT_REACHED)
    rates = reach_rates([world.org.pk], today=date(2026, 12, 31))
    assert rates == [
        {"day": 7, "due": 1, "reached": 1, "rate": 1.0},
        {"day": 30, "due": 1, "reached": 0, "rate": 0.0},
    ]


def test_the_participant_sees_the_signed_summary_on_the_portal(world, login):
    from discharge import summary

    record = discharge_world(world, type=DischargeType.STEPPED_DOWN)
    client = login(world.participant_user)
    page = client.get(reverse("discharge:mine")).content.decode()
    assert "not ready yet" in page
    draft = summary.current_summary(record)
    draft = summary.save_text(
        draft, by=world.therapist, text={"course": "Steady progress."}, expected_version=1
    )
    summary.sign(draft, by=world.therapist, expected_version=draft.version)
    page = client.get(reverse("discharge:mine")).content.decode()
    assert "Steady progress." in page and "988" in page
