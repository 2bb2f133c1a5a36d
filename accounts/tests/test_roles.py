"""A person's roles and their programs' time zones are read together, once per request."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Membership, Organization, Program
from accounts.roles import organizations_of, program_zones, roles_in
from conftest import make_user


def test_roles_hold_in_an_organization_without_programs_and_zones_come_first_program_first(
    db,
):
    empty = Organization.objects.create(name="No programs yet", slug="empty")
    clinic = Organization.objects.create(name="Clinic", slug="clinic")
    Program.objects.create(organization=clinic, name="East", time_zone="America/New_York")
    Program.objects.create(organization=clinic, name="West", time_zone="America/Los_Angeles")
    Program.objects.create(organization=clinic, name="East again", time_zone="America/New_York")
    person = make_user("two-places")
    Membership.objects.create(user=person, organization=empty, role="director")
    Membership.objects.create(user=person, organization=clinic, role="therapist")
    Membership.objects.create(user=person, organization=clinic, role="peer")

    with CaptureQueriesContext(connection) as queries:
        assert roles_in(person, empty.pk) == {"director"}
        assert roles_in(person, clinic.pk) == {"therapist", "peer"}
        assert organizations_of(person) == sorted([empty.pk, clinic.pk])
        assert program_zones(person) == ["America/New_York", "America/Los_Angeles"]
    assert len(queries) == 1


def test_the_signed_in_user_arrives_with_the_roles_and_zones_a_fresh_read_finds(world):
    """The sign-in backend reads the user's roles in the same round trip as the user: what
    it keeps on the user is what reading them afterwards finds, and nothing is read again."""
    from accounts.backends import UserBackend
    from accounts.models import User

    Membership.objects.create(user=world.therapist, organization=world.org, role="nurse")
    Membership.objects.create(
        user=world.director,
        organization=world.other_org_participant.organization,
        role="auditor",
        is_active=False,
    )
    for person in (world.therapist, world.director, world.outsider, world.participant_user):
        fresh = User.objects.get(pk=person.pk)
        expected = (
            {org: roles_in(fresh, org) for org in organizations_of(fresh)},
            program_zones(fresh),
        )
        with CaptureQueriesContext(connection) as queries:
            signed_in = UserBackend().get_user(person.pk)
            assert signed_in is not None and signed_in.pk == person.pk
            read = (
                {org: roles_in(signed_in, org) for org in organizations_of(signed_in)},
                program_zones(signed_in),
            )
        assert read == expected
        assert len(queries) == (1 if connection.vendor == "postgresql" else 2)
    assert roles_in(UserBackend().get_user(world.therapist.pk), world.org.pk) == {
        "therapist",
        "nurse",
    }
