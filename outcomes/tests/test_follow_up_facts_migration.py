"""Upgrading an installation that kept follow-ups before their facts were stored: the
migrations that add the facts and their columns write, with the models as they stood then,
the rows a rebuild writes today."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from outcomes import facts
from outcomes.models import FollowUpFacts
from outcomes.tests.test_facts import varied_program
from screens import panels

BEFORE = [("outcomes", "0006_alert_facts")]


def _migrate(targets) -> None:
    MigrationExecutor(connection).migrate(targets)


def _rows() -> list[tuple]:
    return list(
        FollowUpFacts.objects.order_by("pk").values_list(
            "follow_up_id",
            "organization_id",
            "episode_id",
            "left_on",
            "day",
            "due_on",
            "reached",
            "answered",
            "used",
            "screened",
            "positive",
        )
    )


@pytest.mark.django_db(transaction=True)
def test_the_migration_fills_the_follow_up_facts_a_rebuild_writes(midweek, world):
    panels.seed()
    varied_program(world, seed=3, people=80)
    facts.rebuild()
    rebuilt = _rows()
    assert all(row[3] for row in rebuilt)
    assert any(row[6] for row in rebuilt) and any(row[7] for row in rebuilt)
    assert any(row[9] for row in rebuilt)
    leaves = MigrationExecutor(connection).loader.graph.leaf_nodes()
    try:
        _migrate(BEFORE)
    finally:
        _migrate(leaves)
    assert _rows() == rebuilt
