"""The demo's support person: a sign-in for one active demo participant's sister, with a Part 2
consent sharing their session times and attendance, made once."""

from datetime import date

from accounts.models import User
from conftest import demo_context
from family import demo
from family.models import SupportPerson
from participants.access import shared_with_support
from participants.models import Participant


def test_the_demo_gives_one_participant_s_sister_a_sign_in_sharing_schedule_and_attendance(world):
    Participant.objects.filter(pk=world.participant.pk).update(record_number="DEMO-0001")
    context = demo_context(world)
    demo.seed(context)
    demo.seed(context)
    person = SupportPerson.objects.get()
    assert person.participant_id == world.participant.pk and person.emergency_contact
    account = User.objects.get(username=demo.LOGIN)
    assert person.user_id == account.pk
    assert shared_with_support(account, today=date(2026, 11, 20)) == {
        world.participant.pk: frozenset({"schedule", "attendance"})
    }
