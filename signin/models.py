"""The signed-in sessions, each row naming the user it signs in."""

from datetime import datetime

from django.conf import settings
from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import models

from tandem.models import TimeStamped


class Session(AbstractBaseSession):
    """Django's database session with the signed-in user's id in a column of its own, so a
    request reads its session, its user and their roles in one round trip
    (`signin.sessions`). The column is written from the session's data on every save; the
    data stays what signs the user in."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        verbose_name = "session"
        verbose_name_plural = "sessions"

    @classmethod
    def get_session_store_class(cls) -> type:
        from signin.sessions import SessionStore

        return SessionStore


class Invitation(TimeStamped):
    """A set-your-password link for one account: a new member of staff, a participant's portal
    login, a support person's sign-in, or anyone who forgot their password.

    It opens once, within `signin.invitations.LIFETIME`, and only its token's SHA-256 is
    kept (`tandem.tokens`). A new one for the same account revokes the earlier, so only the
    latest link handed over works. Kept as history: never deleted.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="invitations"
    )
    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="+"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    issued_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["user", "issued_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expires_at__gt=models.F("issued_at")),
                name="invitation_expires_after_issue",
            )
        ]

    def __str__(self) -> str:
        return f"invitation {self.public_id}"

    def is_usable(self, now: datetime) -> bool:
        """Not used, not revoked and not past its time."""
        return self.used_at is None and self.revoked_at is None and self.expires_at > now
