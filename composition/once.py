"""A form is saved at most once per token, so a double click or a resent page saves nothing twice.

Every page form carries `{% form_token %}`. A POST that carries one claims the token (a unique
row) in the same transaction as the view's writes; a second request with the same token waits for
the first to commit and is then told the form was already sent. A submission sent back with its
errors (anything but a redirect) gives its token back, so the person can correct and resend.
Requests sent by htmx update a part of a page in place and are left out.
"""

import uuid
from collections.abc import Callable
from typing import cast

from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse

from accounts.http import SignedInRequest, is_htmx
from tandem.form_token import FIELD
from tandem.views import error_page

SAVED = (301, 302, 303)


class OneSubmissionMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _token_of(request)
        if token is None:
            return self.get_response(request)
        from accounts.models import UsedFormToken

        with transaction.atomic():
            try:
                with transaction.atomic():
                    UsedFormToken.objects.create(
                        token=token, user=cast(SignedInRequest, request).user
                    )
            except IntegrityError:
                return _already_sent(request)
            response = self.get_response(request)
            if response.status_code not in SAVED:
                UsedFormToken.objects.filter(token=token).delete()
            return response


def _token_of(request: HttpRequest) -> uuid.UUID | None:
    if request.method != "POST" or is_htmx(request):
        return None
    if not request.user.is_authenticated:
        return None
    value = request.POST.get(FIELD)
    if not value:
        return None
    try:
        return uuid.UUID(value)
    except ValueError:
        return None


def _already_sent(request: HttpRequest) -> HttpResponse:
    return error_page(
        request,
        "Already sent",
        "This form was already sent and saved once; nothing was saved twice.",
        status=409,
    )
