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
