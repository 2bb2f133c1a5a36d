"""The demo's level-of-care decisions: admitted episodes were decided for the IOP."""

from participants.demo import seed_foundation
from participants.models import Episode, EpisodeStatus
from placement import demo, selectors, services
from placement.models import DimensionRating, LevelOfCareDecision, ReferralOut


def test_demo_decisions_match_the_episodes_and_rerunning_adds_nothing(db):
    context = seed_foundation(120, stdout=lambda line: None)
    demo.seed(context)
    counts = (LevelOfCareDecision.objects.count(), ReferralOut.objects.count())
    demo.seed(context)
    assert (LevelOfCareDecision.objects.count(), ReferralOut.objects.count()) == counts
    assert DimensionRating.objects.count() == 6 * counts[0]

    for episode in Episode.objects.filter(status__in=demo.IN_CARE):
        current = selectors.current_decision(episode)
        assert current is not None
        assert current.chosen_level == current.recommended_level == "2.1"
        assert services.admission_guard(episode, "admitted") is None
    elsewhere = LevelOfCareDecision.objects.exclude(chosen_level="2.1")
    assert elsewhere.exists()
    assert set(elsewhere.values_list("episode__status", flat=True)) == {EpisodeStatus.SCREENING}
    assert all(d.chosen_level == d.recommended_level for d in elsewhere)
    assert ReferralOut.objects.count() == elsewhere.count()
