"""Each follow-up carries its participant's organization, however it is written, so the call
list and the reach rates read one organization's follow-ups from its own index."""

from datetime import date, timedelta

from discharge.models import FollowUp, FollowUpStatus
from discharge.selectors import call_list, reach_rates
from discharge.tests.builders import DISCHARGE_DAY, discharge_world


def test_follow_ups_scheduled_at_discharge_carry_the_participants_organization(world):
    discharge_world(world)
    rows = list(FollowUp.objects.all())
    assert rows
    assert {r.organization_id for r in rows} == {world.participant.organization_id}


def test_follow_ups_written_together_carry_the_participants_organization(world):
    record = discharge_world(world)
    FollowUp.objects.bulk_create(
        FollowUp(
            discharge=record,
            participant_id=world.participant.pk,
            day=500 + i,
            due_on=DISCHARGE_DAY + timedelta(days=i),
            status=FollowUpStatus.TO_CALL,
        )
        for i in range(3)
    )
    written = FollowUp.objects.filter(day__gte=500)
    assert [r.organization_id for r in written] == [world.org.pk] * 3


def test_another_organizations_rates_and_call_list_leave_these_follow_ups_out(world):
    discharge_world(world)
    FollowUp.objects.update(status=FollowUpStatus.TO_CALL)
    elsewhere = world.users["stranger"].memberships.get().organization_id

    assert reach_rates([elsewhere], today=date(2027, 12, 31)) == []
    assert reach_rates([world.org.pk], today=date(2027, 12, 31))
    assert list(call_list(world.users["stranger"])) == []
    assert len(call_list(world.director)) == FollowUp.objects.count()
