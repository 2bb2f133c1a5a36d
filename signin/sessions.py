"""The database session store, reading a request's session by a statement compiled once."""

from django.contrib.sessions.backends import db
from django.contrib.sessions.models import Session
from django.db.models import QuerySet
from django.utils import timezone

from tandem.statements import value_rows


def _session(key: str) -> QuerySet:
    return Session.objects.filter(session_key=key).values_list("session_data", "expire_date")


class SessionStore(db.SessionStore):
    """Django's database sessions, except that every request reads its session with a
    statement compiled once per process: building and compiling the query cost several
    times what running it does. An expired session is one that is not there, as in
    Django's own store."""

    def load(self) -> dict:
        found = value_rows("signin.session", _session, Session._meta.pk, self.session_key)
        if found and found[0][1] > timezone.now():
            return self.decode(found[0][0])
        self._session_key = None
        return {}
