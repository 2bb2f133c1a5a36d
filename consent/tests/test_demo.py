"""The demo's consents: a treatment and a TPO Part 2 consent for each in-care demo participant,
a telehealth consent for those attending virtually only, recorded through the service once; and
a few copies of the record logged as disclosures, so the accounting has rows to show."""

from django.utils import timezone

from audit.models import AuditEvent
from conftest import demo_context
from consent import demo
from consent.models import Consent, Disclosure
from consent.selectors import accounting_for
from participants.models import Participant
from scheduling.models import AttendanceMode, SchedulingProfile


def test_the_demo_records_each_in_care_participant_s_consents_once(world):
    Participant.objects.filter(pk=world.participant.pk).update(record_number="DEMO-0001")
    SchedulingProfile.objects.create(episode=world.episode, mode=AttendanceMode.VIRTUAL)
    context = demo_context(world)
    demo.seed(context)
    demo.seed(context)
    rows = Consent.objects.filter(participant=world.participant).order_by("kind")
    assert [(c.kind, c.tpo, c.expiry) for c in rows] == [
        ("part2", True, "none"),
        ("telehealth", False, "none"),
        ("treatment", False, "none"),
    ]
    assert all(c.signed_on == world.episode.admitted_on for c in rows)
    assert not Consent.objects.exclude(participant=world.participant).exists()


def test_the_demo_logs_copies_of_the_record_for_the_accounting_once(world):
    Participant.objects.filter(pk=world.participant.pk).update(record_number="DEMO-0001")
    context = demo_context(world)
    demo.seed(context)
    demo.seed_disclosures(context)
    demo.seed_disclosures(context)
    rows = Disclosure.objects.filter(participant=world.participant).order_by("recorded_at")
    assert [(d.what, d.to_participant, d.recipient) for d in rows] == [
        ("export", False, demo.HEALTH_PLAN),
        ("print", True, ""),
    ]
    tpo = Consent.objects.get(participant=world.participant, kind="part2")
    assert [d.consent for d in rows] == [tpo, None]
    assert all(d.recorded_at.date() >= tpo.signed_on for d in rows)
    today = world.program.today(timezone.now())
    assert accounting_for(world.participant, today, world.program.tz) == list(reversed(rows))
    assert (
        AuditEvent.objects.filter(
            participant=world.participant, event_type__in=["consent.disclosed", "consent.printed"]
        ).count()
        == 2
    )
