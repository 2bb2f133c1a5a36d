"""The weekdays a program runs groups on, read as one row per program and weekday."""

from datetime import time

from django.db import connection
from django.test.utils import CaptureQueriesContext

from scheduling.models import Group
from scheduling.selectors import program_weekdays


def test_many_groups_on_a_day_are_one_row_of_that_day(world):
    for n in range(6):
        Group.objects.create(
            program=world.program,
            title=f"Group {n}",
            weekday=n % 2,
            start_time=time(9 + n, 0),
            minutes=60,
            mode="in_person",
            capacity=10,
        )
    Group.objects.create(
        program=world.program,
        title="Retired",
        weekday=4,
        start_time=time(9, 0),
        minutes=60,
        mode="in_person",
        capacity=10,
        is_active=False,
    )
    with CaptureQueriesContext(connection) as queries:
        days = program_weekdays([world.program.pk])
    assert days == {world.program.pk: frozenset({0, 1})}
    with connection.cursor() as cursor:
        cursor.execute(queries[0]["sql"])
        assert len(cursor.fetchall()) == 2
