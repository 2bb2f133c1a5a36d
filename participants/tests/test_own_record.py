"""The record an account opens as its own on the portal: a participant's, never a staff
member's, never one entered in error."""

from django.urls import reverse
from django.utils import timezone

from participants.access import own_record
from participants.models import Participant


def test_a_participant_account_opens_its_own_record(world):
    assert own_record(world.participant_user) == world.participant


def test_a_staff_account_linked_to_a_record_has_none_of_its_own(world, login):
    Participant.objects.filter(pk=world.referral.pk).update(user=world.therapist)
    assert own_record(world.therapist) is None
    assert login(world.therapist).get(reverse("plans:mine")).url == reverse("home")


def test_a_record_entered_in_error_is_no_ones_own(world):
    Participant.objects.filter(pk=world.participant.pk).update(
        entered_in_error_at=timezone.now(),
        entered_in_error_by=world.director,
        entered_in_error_reason="Duplicate record",
    )
    assert own_record(world.participant_user) is None
