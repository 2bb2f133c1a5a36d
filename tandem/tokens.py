"""Secret tokens that travel once (in a link) and are kept only as a hash.

A single-use link (`links`) and an invitation to set a password (`signin.invitations`) both
hand a person a token in a path segment and store its SHA-256 alone, so a copy of the
database opens nothing.
"""

import hashlib
import secrets

# Longer than any token `new_token` makes: a longer path segment is refused unread.
MAX_LENGTH = 100


def new_token() -> str:
    """A fresh token (256 random bits, URL-safe)."""
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    """What is stored in place of the token."""
    return hashlib.sha256(token.encode()).hexdigest()
