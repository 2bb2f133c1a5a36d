"""The demo's consents: a treatment and a TPO Part 2 consent for each in-care demo participant,
a telehealth consent for those attending virtually only, recorded through the service once."""

from consent import demo
from consent.models import Consent
from participants.demo import DemoContext
from participants.models import Participant
from scheduling.models import AttendanceMode, SchedulingProfile


def test_the_demo_records_each_in_care_participant_s_consents_once(world):
    Participant.objects.filter(pk=world.participant.pk).update(record_number="DEMO-0001")
    SchedulingProfile.objects.create(episode=world.episode, mode=AttendanceMode.VIRTUAL)
    context = DemoContext(
        organization=world.org,
        program=world.program,
        sites=[world.site],
        staff={"director": world.users["director"]},
        rng_seed=1,
        stdout=lambda line: None,
    )
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
