"""Each discharge type records its TEDS discharge reason and leaves the episode closed."""

import pytest

from discharge.models import Discharge
from discharge.tests.builders import DISCHARGE_DAY, discharge_world
from discharge.types import TEDS_REASON, DischargeType
from participants.models import Episode

# Written out by hand from the TEDS-D 2019 codebook (REASON), not computed from the mapping.
EXPECTED = [
    ("completed", "1", "discharged"),
    ("stepped_down", "4", "transferred_out"),
    ("transferred_up", "4", "transferred_out"),
    ("left_early", "2", "discharged"),
    ("administrative", "3", "discharged"),
    ("incarcerated", "5", "discharged"),
    ("died", "6", "discharged"),
    ("other", "7", "discharged"),
]


def test_every_discharge_type_is_in_the_table():
    assert sorted(t for t, _, _ in EXPECTED) == sorted(DischargeType.values)


def test_the_teds_reasons_are_the_codebooks_seven():
    assert [code for code, _ in TEDS_REASON] == ["1", "2", "3", "4", "5", "6", "7"]
    assert dict(TEDS_REASON)["2"] == "Dropped out of treatment"


@pytest.mark.parametrize(("type", "teds", "status"), EXPECTED)
def test_each_type_records_its_teds_reason_and_closes_the_episode(world, type, teds, status):
    record = discharge_world(world, type=type)
    stored = Discharge.objects.get(pk=record.pk)
    assert (stored.type, stored.teds_reason, stored.discharged_on) == (type, teds, DISCHARGE_DAY)
    assert stored.decided_by == world.therapist
    episode = Episode.objects.get(pk=world.episode.pk)
    assert (episode.status, episode.discharged_on) == (status, DISCHARGE_DAY)


def test_a_participant_who_died_is_never_contacted(world):
    record = discharge_world(world, type="died", consent=True)
    assert record.consent.consented is False
    assert not record.follow_ups.exists()
