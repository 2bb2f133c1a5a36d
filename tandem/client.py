"""The address of the person at the other end of a request, seen through trusted proxies."""

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str | None:
    """The client's address for the audit trail and sign-in throttling.

    Each of the ``TANDEM_TRUSTED_PROXIES`` proxies appends the address it was called from to
    X-Forwarded-For, so the client is that many entries from the end. Entries further left were
    written by the client itself and are never trusted. Without trusted proxies (or with a header
    shorter than the chain) the socket's peer address is used.
    """
    proxies = settings.TANDEM_TRUSTED_PROXIES
    remote = request.META.get("REMOTE_ADDR") or None
    if proxies <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if len(forwarded) < proxies:
        return remote
    return forwarded[-proxies]
