"""The signed-in sessions, each row naming the user it signs in."""

from django.conf import settings
from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import models


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
