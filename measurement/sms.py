"""Text-message sending behind an interface; no provider is bundled.

`TANDEM_SMS_SENDER` names the class. Development, the demo and the tests print messages to
standard output (`ConsoleSmsSender`); an installation otherwise sends none until a provider is
wired in, by writing a class with `send(to, body)`. Printing there would put participants'
phone numbers and working single-use links into the server's logs.
"""

import logging
import sys
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


class SmsSender(Protocol):
    def send(self, to: str, body: str) -> None: ...


class ConsoleSmsSender:
    """Writes the message to standard output, like Django's console e-mail backend."""

    def send(self, to: str, body: str) -> None:
        sys.stdout.write(f"SMS to {to}: {body}\n")


class UnconfiguredSmsSender:
    """No provider: nothing is sent, and the log says so without the number or the text."""

    delivers = False

    def send(self, to: str, body: str) -> None:
        logger.warning(
            "A text message was not sent: no text-message provider is configured "
            "(TANDEM_SMS_SENDER)."
        )


def sender() -> SmsSender:
    return import_string(settings.TANDEM_SMS_SENDER)()


def delivers() -> bool:
    """Whether text messages reach anyone here, so a reminder is not issued for nothing."""
    return getattr(import_string(settings.TANDEM_SMS_SENDER), "delivers", True)
