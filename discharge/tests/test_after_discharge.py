"""After discharge: flags on the chart, a re-referral noticed, reach rates, the portal page."""

from datetime import date

from django.urls import reverse

from discharge.models import FollowUp, FollowUpStatus, ReadmissionSignal
from discharge.selectors import reach_rates
from discharge.tests.builders import discharge_world, link_in, summary_of
from discharge.types import DischargeType
from participants.chart import header_flags
from participants.models import Episode
from participants.services import EPISODE_OPENED


def test_the_chart_header_shows_the_discharge_and_a_medication_gap(world):
    discharge_world(world, aftercare={"on_moud": True})
    labels = [f.label for f in header_flags(world.participant, world.therapist)]
    assert "Discharged Fri 20 Nov 2026: Completed the program" in labels
    assert "Medication gap: no next prescriber for MOUD" in labels


def test_an_episode_opened_for_a_discharged_participant_is_a_readmission_signal(world):
    """Saving the row notes nothing; what the service that opens an episode runs after it
    (`participants.services.EPISODE_OPENED`) notes the readmission on the last discharge."""
    record = discharge_world(world)
    again = Episode.objects.create(
        participant=world.participant, program=world.program, referred_on=date(2027, 1, 5)
    )
    assert not ReadmissionSignal.objects.exists()
    for hook in EPISODE_OPENED.implementations():
        hook(again)
    signal = ReadmissionSignal.objects.get()
    assert (signal.discharge, signal.kind, signal.source_id, signal.noticed_on) == (
        record,
        "re_referral",
        str(again.public_id),
        date(2027, 1, 5),
    )


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
    draft = summary_of(record)
    draft = summary.save_text(
        draft, by=world.therapist, text={"course": "Steady progress."}, expected_version=1
    )
    summary.sign(draft, by=world.therapist, expected_version=draft.version)
    page = client.get(reverse("discharge:mine")).content.decode()
    assert "Steady progress." in page and "988" in page


def test_a_participant_whose_record_says_spanish_reads_the_page_in_spanish(world, login):
    from discharge import summary
    from participants.models import Participant

    Participant.objects.filter(pk=world.participant.pk).update(preferred_language="Español")
    record = discharge_world(world, aftercare={"first_appointment_on": date(2026, 11, 24)})
    client = login(world.participant_user)
    assert (
        "Su resumen de alta todavía no está listo"
        in client.get(reverse("discharge:mine")).content.decode()
    )
    draft = summary_of(record)
    draft = summary.save_text(
        draft, by=world.therapist, text={"course": "Buen progreso."}, expected_version=1
    )
    summary.sign(draft, by=world.therapist, expected_version=draft.version)
    page = client.get(reverse("discharge:mine")).content.decode()
    for words in (
        "Usted dejó el programa el vie 20 nov 2026.",
        "<dd>mar 24 nov 2026 ",
        "Metas del plan y su estado",
        "Primera cita",
    ):
        assert words in page
    assert "Your aftercare plan" not in page


def test_the_aftercare_plan_is_edited_after_discharge_as_a_new_version(world, login):
    from audit.models import AuditEvent
    from discharge.models import Aftercare
    from discharge.tests.builders import AFTERCARE_FORM

    discharge_world(world)
    plan = Aftercare.objects.get()
    client = login(world.therapist)
    url = reverse("discharge:aftercare", args=[world.participant.public_id])
    assert "Save the aftercare plan" in client.get(url).content.decode()
    form = {**AFTERCARE_FORM, "version": plan.version, "first_appointment_kept": "kept"}
    assert client.post(url, form).status_code == 302
    plan.refresh_from_db()
    assert (plan.next_provider, plan.first_appointment_kept) == ("Community clinic", "kept")
    assert plan.version == 2
    assert AuditEvent.objects.filter(event_type="discharge.aftercare_changed").count() == 1
    stale = client.post(url, {**form, "next_provider": "Another clinic", "version": 1})
    assert stale.status_code == 400 and "changed by someone else" in stale.content.decode()
    plan.refresh_from_db()
    assert plan.next_provider == "Community clinic"


def test_the_aftercare_form_puts_each_label_above_its_box(world, login):
    """Labels stand above their boxes as on every other form: not wrapped round the box,
    which set the typed words in the label's bold and left the label under a tall box."""
    discharge_world(world)
    url = reverse("discharge:aftercare", args=[world.participant.public_id])
    page = login(world.therapist).get(url).content.decode()
    assert '<label for="id_next_provider">Next provider</label>' in page
    assert '<label for="id_mutual_help">Mutual-help meetings</label>' in page


def test_a_follow_up_answered_on_a_call_closes_it_and_its_link(world, login, run_tasks, client):
    from datetime import datetime, time

    import time_machine
    from django.core import mail

    from discharge.models import FollowUpAnswers
    from discharge.tests.builders import CALL_ANSWERS
    from participants.models import Participant

    Participant.objects.filter(pk=world.participant.pk).update(email="robin@example.org")
    world.participant.refresh_from_db()
    discharge_world(world, channel="email")
    with time_machine.travel(datetime.combine(date(2026, 11, 27), time(11), world.program.tz)):
        run_tasks()
        link = link_in(str(mail.outbox[-1].body))
        row = FollowUp.objects.get(day=7)
        staff = login(world.therapist)
        url = reverse("discharge:call_answers", args=[world.participant.public_id, row.public_id])
        page = staff.get(url).content.decode()
        assert "Have you used alcohol or drugs since you left the program?" in page
        bad = staff.post(url, {**CALL_ANSWERS, "item-1": ""})
        assert bad.status_code == 400 and not FollowUpAnswers.objects.exists()
        assert staff.post(url, CALL_ANSWERS).status_code == 302
        answers = FollowUpAnswers.objects.get()
        assert (answers.used_since_discharge, answers.recorded_by) == (False, world.therapist)
        row.refresh_from_db()
        assert (row.status, row.called_by) == (FollowUpStatus.ANSWERED, world.therapist)
        again = staff.post(url, CALL_ANSWERS)
        assert again.status_code == 400
        assert again.content.decode().count("This follow-up is not waiting for an answer.") == 1
        assert client.get(link).status_code == 410
