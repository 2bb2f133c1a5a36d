"""Creating a program: one transaction with what other modules give every new program."""

import pytest

from accounts.models import Organization, Program
from accounts.services import PROGRAM_CREATED, create_program
from tandem.errors import InvalidInput


@pytest.fixture
def org(db) -> Organization:
    return Organization.objects.create(name="Lakeside Recovery", slug="lakeside")


def test_a_program_is_created_with_its_settings_and_followers_see_it(org):
    created: list[Program] = []
    PROGRAM_CREATED.register(created.append)
    try:
        program = create_program(org, name="Evening IOP", time_zone="America/Denver")
    finally:
        PROGRAM_CREATED.unregister(created.append)
    assert created == [program]
    assert Program.objects.get(organization=org).time_zone == "America/Denver"


def test_an_unknown_time_zone_is_refused_and_nothing_is_written(org):
    with pytest.raises(InvalidInput, match="not a known time zone"):
        create_program(org, name="Evening IOP", time_zone="Mars/Olympus")
    assert not Program.objects.exists()


def test_a_follower_that_fails_leaves_no_program(org):
    """The followers run inside the creating transaction, so a failing one undoes it."""

    def refuse(program: Program) -> None:
        raise RuntimeError("the follower failed")

    PROGRAM_CREATED.register(refuse)
    try:
        with pytest.raises(RuntimeError):
            create_program(org, name="Evening IOP")
    finally:
        PROGRAM_CREATED.unregister(refuse)
    assert not Program.objects.exists()
