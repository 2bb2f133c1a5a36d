"""Secret tokens that travel once (in a link) and are kept only as a hash.

A single-use link (`links`) and an invitation to set a password (`signin.invitations`) both
hand a person a token in a path segment and store its SHA-256 alone, so a copy of the
database opens nothing. A token that must wait in the database for a moment (an e-mail's
task, queued with its arguments) waits sealed under a key the database does not hold.
"""

import base64
import hashlib
import secrets

from cryptography.fernet import Fernet
from django.conf import settings

# Longer than any token `new_token` makes: a longer path segment is refused unread.
MAX_LENGTH = 100


def new_token() -> str:
    """A fresh token (256 random bits, URL-safe)."""
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    """What is stored in place of the token."""
    return hashlib.sha256(token.encode()).hexdigest()


def _sealing_key() -> Fernet:
    """A key derived from SECRET_KEY, which lives in the server's settings, not the database."""
    derived = hashlib.sha256(b"tandem.tokens.seal:" + settings.SECRET_KEY.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(derived))


def seal(token: str) -> str:
    """The token encrypted (and authenticated) for a task's arguments, which sit in the task
    queue's table until the daily prune: whoever reads that table cannot use the link."""
    return _sealing_key().encrypt(token.encode()).decode()


def unseal(sealed: str) -> str:
    """The token a `seal` call sealed; an altered or foreign value raises InvalidToken."""
    return _sealing_key().decrypt(sealed.encode()).decode()
