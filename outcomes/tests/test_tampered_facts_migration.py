"""Upgrading an installation whose stored facts were written when a tampered specimen was
left out of the screens: the migration counts a month with an adulterated or substituted
specimen as screened and positive (clinical reference §10), as a rebuild now does, and leaves
every other month as it was."""

from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from discharge.models import FollowUpStatus
from outcomes import facts
from outcomes.models import EpisodeFacts, FollowUpFacts
from outcomes.tests.test_after_care_figures import LEFT_ON, _at, _follow_up, _left, _screen
from screens import panels
from screens.models import Panel

BEFORE = [("outcomes", "0011_episode_facts_covering_indexes")]


@pytest.mark.django_db(transaction=True)
def test_the_migration_counts_a_tampered_specimen_as_a_positive(midweek, world, add):
    panels.seed()
    cup = Panel.objects.prefetch_related("analytes").get(code="urine-cup-hhs")
    tampered, clean = _left(world, add, 2)
    before_discharge = _at(LEFT_ON - timedelta(days=5))
    _screen(world, tampered.participant, cup, before_discharge, False, "substituted")
    _screen(world, clean.participant, cup, before_discharge, False)
    answered = _follow_up(world, tampered, 30, FollowUpStatus.ANSWERED, used=False)
    after = _at(answered.due_on - timedelta(days=1))
    _screen(world, tampered.participant, cup, after, False, "adulterated")
    facts.rebuild()
    leaves = MigrationExecutor(connection).loader.graph.leaf_nodes()
    MigrationExecutor(connection).migrate(BEFORE)
    # As the facts stood: a tampered specimen was no screen at all.
    EpisodeFacts.objects.filter(episode_id=tampered.episode_id).update(
        screened=False, positive=False
    )
    FollowUpFacts.objects.filter(follow_up_id=answered.pk).update(screened=False, positive=False)

    MigrationExecutor(connection).migrate(leaves)

    def episode(record) -> tuple[bool, bool]:
        return EpisodeFacts.objects.values_list("screened", "positive").get(
            episode_id=record.episode_id
        )

    assert episode(tampered) == (True, True)
    assert episode(clean) == (True, False)
    follow_up = FollowUpFacts.objects.values_list("screened", "positive").get(
        follow_up_id=answered.pk
    )
    assert follow_up == (True, True)
