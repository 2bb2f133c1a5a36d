"""Sign-in rules: throttling of failed sign-ins, and TOTP enrolment.

Failed sign-ins are counted by django-axes per username *and* client address, so a stranger
guessing passwords locks out only their own attempts at that account, never the member of staff
at the clinic. Unknown usernames are counted, answered and timed like real ones.
"""

from typing import Any

from axes.handlers.proxy import AxesProxyHandler
from axes.models import AccessAttempt
from axes.utils import reset as reset_failed_sign_ins
from django.conf import settings
from django.contrib.auth import authenticate
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.backends import CONFIRMED_DEVICE
from accounts.models import User
from audit.models import Outcome
from audit.services import record_event
from participants.access import require_capability
from tandem.errors import InvalidInput

# Said on the sign-in page in the visitor's language (signin.views): marked here, translated
# when raised.
LOGIN_FAILED = gettext_noop("Username or password is wrong.")
_UNREAD = object()


def locked_out_message() -> str:
    minutes = max(1, round(settings.AXES_COOLOFF_TIME.total_seconds() / 60))
    return gettext(
        "Too many failed sign-ins for this account from this device. Try again in "
        "%(minutes)s minutes, or ask a program director to unlock it."
    ) % {"minutes": minutes}


def sign_in(request: HttpRequest, username: str, password: str) -> User:
    """Check the password; refuse while this username is locked out for this client address.

    Every refusal writes one audit event. The answer (message, status, queries, one password
    hash) is the same whether or not the username exists.
    """
    account = User.objects.filter(username=username).first()
    refusal: dict[str, Any] = {
        "actor": None,
        "event_type": "account.sign_in_failed",
        "outcome": Outcome.REFUSED,
        "record": account,
        "record_type": "" if account else User._meta.label,
    }
    if AxesProxyHandler.is_locked(request, {"username": username}):
        record_event(**refusal, details={"why": "locked out"})
        raise InvalidInput(locked_out_message())
    user = authenticate(request, username=username, password=password)
    if user is not None:
        return user
    locked_now = bool(getattr(request, "axes_locked_out", False))
    record_event(
        **refusal,
        details={
            "why": "wrong password" if account else "unknown username",
            "locked_out": locked_now,
        },
    )
    raise InvalidInput(locked_out_message() if locked_now else gettext(LOGIN_FAILED))


def with_lockout(users: QuerySet[User]) -> QuerySet[User]:
    """Annotate ``is_locked``: the username is locked out from at least one address now."""
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    return users.annotate(
        is_locked=Exists(
            AccessAttempt.objects.filter(
                username=OuterRef("username"),
                failures_since_start__gte=settings.AXES_FAILURE_LIMIT,
                attempt_time__gte=since,
            )
        )
    )


def _require_staff_manager(by: User, account: User, event_type: str) -> None:
    """Only someone who manages staff in one of the account's organizations may act on it."""
    organizations = list(
        account.memberships.filter(is_active=True).values_list("organization_id", flat=True)
    )
    require_capability(by, "staff.manage", organizations, event_type=event_type, record=account)


def unlock(account: User, *, by: User) -> None:
    """Forget the account's failed sign-ins from every address."""
    _require_staff_manager(by, account, "account.unlocked")
    with transaction.atomic():
        reset_failed_sign_ins(username=account.get_username())
        record_event(
            actor=by, event_type="account.unlocked", record=account, details={"unlocked": True}
        )


def two_factor_passed(user: User) -> bool:
    """Whether this sign-in has passed its TOTP check (django-otp's middleware marks it)."""
    return bool(getattr(user, "is_verified", lambda: False)())


def confirmed_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def has_confirmed_device(user: User) -> bool:
    """Whether the user has enrolled an authenticator: read with the user when the request's
    sign-in backend read them (accounts.backends), else asked of the database. Never kept
    beyond the request."""
    found = getattr(user, CONFIRMED_DEVICE, _UNREAD)
    if found is _UNREAD:
        return confirmed_device(user) is not None
    return found is not None


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
    _require_staff_manager(by, account, "account.two_factor_reset")
    with transaction.atomic():
        TOTPDevice.objects.filter(user=account).delete()
        record_event(
            actor=by,
            event_type="account.two_factor_reset",
            record=account,
            details={"totp": "reset"},
        )
