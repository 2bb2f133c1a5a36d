"""The sign-in backend: Django's model backend, reading the signed-in user of each request
together with whether they have a confirmed authenticator in one statement, and their roles
in the same round trip."""

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.db.models import OuterRef, Subquery
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User
from accounts.roles import keep_roles, roles_read
from tandem.statements import Read, read_together

# Set on the user each request reads: the id of a confirmed authenticator, or None.
CONFIRMED_DEVICE = "confirmed_device_id"


def _signed_in_user(user_id):
    first_confirmed = TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True).order_by("pk")
    return User.objects.filter(pk=user_id).annotate(
        **{CONFIRMED_DEVICE: Subquery(first_confirmed.values("pk")[:1])}
    )


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
        allows it."""
        found, roles = read_together(
            Read("signed_in_user", _signed_in_user, User._meta.pk, user_id), roles_read(user_id)
        )
        if not found:
            return None
        user = found[0]
        keep_roles(user, roles)
        return user if self.user_can_authenticate(user) else None
