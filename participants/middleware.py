"""Access decisions are made once per participant per request."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from participants.access import decisions_for_one_request


class RequestDecisionsMiddleware:
    """Give each request its own memory of access decisions, dropped when it ends, so
    nothing decided for one request or person is reused by another."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with decisions_for_one_request():
            return self.get_response(request)
