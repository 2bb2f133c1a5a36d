"""A participant is enrolled only in sessions of their own organization's programs: the
under-dosed statement reads only the asked programs' organizations' sessions and relies on
it, so every way staff enrol someone refuses a session elsewhere."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import Program
from attendance import services
from attendance.tests.builders import make_session
from scheduling.models import Enrolment
from tandem.errors import InvalidInput


def test_a_make_up_in_another_organizations_session_is_refused(world):
    elsewhere = Program.objects.get(name="Other IOP")
    day = timezone.localdate(timezone.now(), elsewhere.tz) + timedelta(days=2)
    session = make_session(elsewhere, day, title="Elsewhere group")
    with pytest.raises(InvalidInput, match="another organization"):
        services.enrol_make_up(session, world.participant, by=world.director)
    assert not Enrolment.objects.filter(session=session).exists()


def test_a_drop_in_from_another_organization_is_refused(world, group_today):
    with pytest.raises(InvalidInput, match="admitted to this program"):
        services.add_drop_in(group_today.session, world.other_org_participant, by=world.director)
    assert not Enrolment.objects.filter(participant=world.other_org_participant).exists()
