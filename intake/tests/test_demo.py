"""The demo's intakes and diagnoses: plausible, mostly co-occurring, idempotent, deterministic."""

import random

from intake import demo, selectors
from intake.models import Diagnosis, Intake, IntakeSection
from participants.demo import seed_foundation
from participants.models import Episode, EpisodeStatus


def test_demo_intakes_follow_the_episode_status_and_rerunning_adds_nothing(db):
    context = seed_foundation(80, stdout=lambda line: None)
    demo.seed(context)
    counts = (Intake.objects.count(), IntakeSection.objects.count(), Diagnosis.objects.count())
    demo.seed(context)
    assert (
        Intake.objects.count(),
        IntakeSection.objects.count(),
        Diagnosis.objects.count(),
    ) == counts

    episodes = Episode.objects.select_related("participant")
    for episode in episodes:
        intakes = list(episode.intakes.all())
        if episode.status == EpisodeStatus.REFERRED:
            assert not intakes
            continue
        assert len(intakes) == 1
        signed = episode.status in demo.SIGNED_STATUSES
        assert intakes[0].is_signed is signed
        if signed:
            assert selectors.signed_content_intact(intakes[0])
            assert set(episode.diagnoses.values_list("status", flat=True)) == {"confirmed"}
    co_occurring = [e for e in episodes if e.status != "referred" and selectors.is_co_occurring(e)]
    assert len(co_occurring) > 0.7 * episodes.exclude(status="referred").count()
    assert Diagnosis.objects.filter(substance_induced=True).exists()


def test_a_demo_plan_is_the_same_every_time(db):
    context = seed_foundation(5, stdout=lambda line: None)
    episode = Episode.objects.select_related("participant").filter(status="active").first()
    assert episode is not None
    first = demo._plan(
        random.Random("seed"), episode, context.staff["intake"].pk, context.program.today()
    )
    again = demo._plan(
        random.Random("seed"), episode, context.staff["intake"].pk, context.program.today()
    )
    assert first[1] == again[1]
    assert [d.code for d in first[2]] == [d.code for d in again[2]]
