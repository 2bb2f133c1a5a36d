"""The database session store: a request's session, its signed-in user and their roles read
in one round trip, by statements compiled once."""

from typing import Any, cast

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends import db
from django.db.models import QuerySet, Subquery
from django.utils import timezone

from accounts.backends import signed_in_reads
from signin.models import Session
from tandem.statements import Read, read_together

_KEY = Session._meta.pk


def _session(key: str) -> QuerySet:
    return Session.objects.filter(session_key=key).values_list(
        "session_data", "expire_date", "user_id"
    )


def _session_user(key: Any) -> Subquery:
    return Subquery(Session.objects.filter(session_key=key).values("user_id"))


class SessionStore(db.SessionStore):
    """Django's database sessions in `signin.models.Session`, whose row names the signed-in
    user. Reading a session also reads that user and their roles in the same round trip:
    every signed-in request needs all three, and each round trip costs the worker more than
    the rows it brings back. What it read is handed to the sign-in backend once
    (`signed_in_user`); the session's data still says who is signed in, and an expired
    session is one that is not there, as in Django's own store."""

    def __init__(self, session_key: str | None = None) -> None:
        super().__init__(session_key)
        self._signed_in: tuple[Any, list, list] | None = None

    @classmethod
    def get_model_class(cls) -> type[Session]:
        return Session

    def create_model_instance(self, data: dict) -> Session:
        """The row to save, naming the user the data signs in (none when nobody is)."""
        obj = cast(Session, super().create_model_instance(data))
        user_id = str(data.get(SESSION_KEY, ""))
        obj.user_id = int(user_id) if user_id.isdigit() else None
        return obj

    def load(self) -> dict:
        found, users, roles = read_together(
            Read("signin.session", _session, _KEY, self.session_key),
            *signed_in_reads("signin.session", _session_user, _KEY, self.session_key),
        )
        if found and found[0][1] > timezone.now():
            session_data, _, user_id = found[0]
            self._signed_in = (user_id, users, roles) if user_id is not None else None
            return self.decode(session_data)
        self._session_key = None
        return {}

    def signed_in_user(self, user_id: Any) -> tuple[list, list] | None:
        """The user rows and role rows read with the session, once, when the session's row
        names `user_id`; None otherwise (the backend then reads them itself)."""
        read, self._signed_in = self._signed_in, None
        if read is None or str(read[0]) != str(user_id):
            return None
        return read[1], read[2]
