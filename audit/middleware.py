"""Carries the client address of each request to the audit writer."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from audit.context import client_address
from tandem.client import client_address as address_of


class RequestContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = client_address.set(address_of(request))
        try:
            return self.get_response(request)
        finally:
            client_address.reset(token)
