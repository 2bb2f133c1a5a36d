"""Sign-in rules: lockout after repeated failures, and TOTP enrolment."""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import authenticate
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User
from audit.models import Outcome
from audit.services import record_event
from tandem.errors import InvalidInput

LOGIN_FAILED = "Username or password is wrong."


def sign_in(request: HttpRequest, username: str, password: str) -> User:
    """Check the password, counting failures and locking the account after too many."""
    account = User.objects.filter(username=username).first()
    if account is not None and account.is_locked():
        minutes = max(1, int((account.locked_until - timezone.now()).total_seconds() // 60) + 1)
        record_event(
            actor=None,
            event_type="account.sign_in_failed",
            outcome=Outcome.REFUSED,
            record=account,
            details={"why": "account locked"},
        )
        raise InvalidInput(
            f"This account is locked after repeated failed sign-ins. Try again in {minutes} "
            "minute(s), or ask a program director to unlock it."
        )
    user = authenticate(request, username=username, password=password)
    if user is None:
        with transaction.atomic():
            if account is not None:
                User.objects.filter(pk=account.pk).update(failed_logins=F("failed_logins") + 1)
                account.refresh_from_db(fields=["failed_logins"])
                if account.failed_logins >= settings.TANDEM_LOGIN_MAX_FAILURES:
                    account.locked_until = timezone.now() + timedelta(
                        seconds=settings.TANDEM_LOGIN_LOCKOUT_SECONDS
                    )
                    account.save(update_fields=["locked_until"])
            record_event(
                actor=None,
                event_type="account.sign_in_failed",
                outcome=Outcome.REFUSED,
                record=account,
                record_type="" if account else "accounts.User",
                details={"why": "wrong password" if account else "unknown username"},
            )
        raise InvalidInput(LOGIN_FAILED)
    if user.failed_logins or user.locked_until:
        User.objects.filter(pk=user.pk).update(failed_logins=0, locked_until=None)
    return user


def unlock(account: User, *, by: User) -> None:
    with transaction.atomic():
        User.objects.filter(pk=account.pk).update(failed_logins=0, locked_until=None)
        record_event(
            actor=by, event_type="account.unlocked", record=account, details={"unlocked": True}
        )


def confirmed_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def pending_device(user: User) -> TOTPDevice:
    """The unconfirmed authenticator being enrolled (one at a time)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)


def confirm_device(user: User, token: str) -> TOTPDevice:
    device = pending_device(user)
    if not device.verify_token((token or "").strip()):
        raise InvalidInput("That code did not match. Check the time on your phone and try again.")
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user, confirmed=True).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        record_event(
            actor=user,
            event_type="account.two_factor_enrolled",
            record=user,
            details={"totp": "enrolled"},
        )
    return device


def reset_two_factor(account: User, *, by: User) -> None:
    """Remove a lost authenticator so the person enrols again at next sign-in."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=account).delete()
        record_event(
            actor=by,
            event_type="account.two_factor_reset",
            record=account,
            details={"totp": "reset"},
        )
