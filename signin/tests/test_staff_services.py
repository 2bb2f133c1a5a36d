"""The staff services check their own permission, whoever calls them."""

import pytest
from axes.models import AccessAttempt
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.models import AuditEvent, Outcome
from signin import services
from tandem.errors import AccessDenied


def _failed_sign_ins(username: str) -> None:
    AccessAttempt.objects.create(
        username=username,
        ip_address="10.0.0.9",
        user_agent="test",
        failures_since_start=5,
        attempt_time=timezone.now(),
    )


@pytest.mark.parametrize("caller", ["therapist", "frontdesk", "supervisor", "stranger"])
def test_only_a_director_of_the_account_s_organization_may_unlock(world, caller):
    _failed_sign_ins("nurse")
    with pytest.raises(AccessDenied):
        services.unlock(world.nurse, by=getattr(world, caller))
    assert AccessAttempt.objects.filter(username="nurse").exists()
    refusal = AuditEvent.objects.get(event_type="account.unlocked")
    assert (refusal.outcome, refusal.actor, refusal.record_id) == (
        Outcome.REFUSED,
        getattr(world, caller),
        str(world.nurse.public_id),
    )


@pytest.mark.parametrize("caller", ["therapist", "frontdesk", "stranger"])
def test_only_a_director_of_the_account_s_organization_may_reset_two_factor(world, caller):
    TOTPDevice.objects.create(user=world.nurse, name="phone", confirmed=True)
    with pytest.raises(AccessDenied):
        services.reset_two_factor(world.nurse, by=getattr(world, caller))
    assert TOTPDevice.objects.filter(user=world.nurse).exists()
    refusal = AuditEvent.objects.get(event_type="account.two_factor_reset")
    assert refusal.outcome == Outcome.REFUSED


def test_a_director_may_unlock_and_reset_two_factor(world):
    _failed_sign_ins("nurse")
    TOTPDevice.objects.create(user=world.nurse, name="phone", confirmed=True)
    services.unlock(world.nurse, by=world.director)
    services.reset_two_factor(world.nurse, by=world.director)
    assert not AccessAttempt.objects.filter(username="nurse").exists()
    assert not TOTPDevice.objects.filter(user=world.nurse).exists()
    events = AuditEvent.objects.filter(actor=world.director).values_list("event_type", "outcome")
    assert set(events) == {
        ("account.unlocked", Outcome.ALLOWED),
        ("account.two_factor_reset", Outcome.ALLOWED),
    }
