"""The sign-in backend: Django's model backend, reading the signed-in user of each request
together with whether they have a confirmed authenticator in one statement, and their roles
in the same round trip, or taking them from the round trip that read the session."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.db.models import Field, OuterRef, Subquery
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User
from accounts.roles import keep_roles, roles_read, roles_read_by
from tandem.statements import Read, read_together

# Set on the user each request reads: the id of a confirmed authenticator, or None.
CONFIRMED_DEVICE = "confirmed_device_id"

# What the session store of the request being signed in read: the user and role rows for a
# user id, or None when it read none for that id (`read_with_session`).
UserRows = Callable[[Any], tuple[list, list] | None]
_read_with_session: ContextVar[UserRows | None] = ContextVar("read_with_session", default=None)


def _signed_in_user(user_id):
    first_confirmed = TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True).order_by("pk")
    return User.objects.filter(pk=user_id).annotate(
        **{CONFIRMED_DEVICE: Subquery(first_confirmed.values("pk")[:1])}
    )


def signed_in_reads(
    name: str, user_id: Callable[[Any], Any], field: Field, value: Any
) -> tuple[Read, Read]:
    """The statements `get_user` runs, for the user whose id `user_id(value)` gives (an
    expression, such as the user a session row names), for a caller that sends them in the
    round trip that finds the user."""
    return (
        Read(f"{name}_user", lambda found: _signed_in_user(user_id(found)), field, value),
        roles_read_by(f"{name}_roles", user_id, field, value),
    )


@contextmanager
def read_with_session(rows: UserRows | None) -> Iterator[None]:
    """While signing a request in, let `get_user` take the user and role rows its session
    store read (`signed_in_reads`) instead of reading them again; only for that call, so
    no rows outlive the request that read them."""
    token = _read_with_session.set(rows)
    try:
        yield
    finally:
        _read_with_session.reset(token)


class UserBackend(ModelBackend):
    """Checks passwords exactly as Django's model backend does. A wrong password or an
    unknown username ends the sign-in here, so the model backend listed after this one (it
    reads sessions signed in before this backend existed) never hashes a password twice."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None and username is not None and password is not None:
            raise PermissionDenied
        return user

    def get_user(self, user_id):
        """The signed-in user, with their roles and programs' time zones (`accounts.roles`),
        which every staff page reads: both statements in one round trip where the database
        allows it, or none when the session's own round trip read them."""
        rows = _read_with_session.get()
        read = rows(user_id) if rows is not None else None
        found, roles = (
            read
            if read is not None
            else read_together(
                Read("signed_in_user", _signed_in_user, User._meta.pk, user_id),
                roles_read(user_id),
            )
        )
        if not found:
            return None
        user = found[0]
        keep_roles(user, roles)
        return user if self.user_can_authenticate(user) else None
