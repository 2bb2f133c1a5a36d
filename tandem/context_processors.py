"""Values every template needs."""

from django.conf import settings
from django.http import HttpRequest

from tandem.navigation import items_for


def tandem(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    return {
        "TANDEM_DEMO": settings.TANDEM_DEMO,
        "IDLE_TIMEOUT_SECONDS": settings.TANDEM_IDLE_TIMEOUT_SECONDS,
        "nav_items": items_for(user) if user is not None and user.is_authenticated else [],
    }
