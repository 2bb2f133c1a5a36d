"""The demo's level-of-care decisions: admitted episodes were decided for the IOP."""

from datetime import timedelta

from audit.models import AuditEvent
from participants.demo import seed_foundation
from participants.models import OPEN_STATUSES, Episode, EpisodeStatus
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


def test_demo_decisions_on_open_episodes_are_recorded_through_the_service_on_their_day(db):
    """Each open episode's decision has the service's audit event, is dated the day before the
    admission (a few days after the referral, for one referred elsewhere) and was recorded on
    that day; the closed episodes' decisions are imported, the service refusing them."""
    context = seed_foundation(120, stdout=lambda line: None)
    demo.admit_newest(context)
    demo.seed(context)
    decided = {
        e.record_id: e for e in AuditEvent.objects.filter(event_type="level_of_care.decided")
    }
    through_the_service = 0
    for d in LevelOfCareDecision.objects.select_related("episode__program"):
        episode = d.episode
        if episode.status not in OPEN_STATUSES:
            assert str(d.public_id) not in decided
            continue
        through_the_service += 1
        assert decided[str(d.public_id)].details["decided_on"] == d.decided_on.isoformat()
        assert episode.program.today(d.recorded_at) == d.decided_on
        if episode.admitted_on is not None:
            assert d.decided_on == episode.admitted_on - timedelta(days=1)
        else:
            assert episode.referred_on <= d.decided_on <= episode.referred_on + timedelta(days=6)
    assert through_the_service and through_the_service == len(decided)


def test_demo_emergency_contacts_read_as_real_ones(db):
    """No brother called Valeria, no friend who shares the participant's surname."""
    from participants.demo import FIRST_F, FIRST_M
    from participants.models import Participant

    seed_foundation(60, stdout=lambda line: None)
    people = list(Participant.objects.all())
    assert {p.emergency_contact_relationship for p in people} >= {"Sister", "Brother", "Friend"}
    for p in people:
        given, family = p.emergency_contact_name.split(" ", 1)
        if p.emergency_contact_relationship in ("Sister", "Mother"):
            assert given in FIRST_F, p.emergency_contact_name
        if p.emergency_contact_relationship == "Brother":
            assert given in FIRST_M, p.emergency_contact_name
        if p.emergency_contact_relationship == "Friend":
            assert family != p.legal_last_name, p.emergency_contact_name
