"""Text-message sending behind an interface; only a console sender exists (no provider).

`TANDEM_SMS_SENDER` names the class (default the console one). A provider is wired in by
writing a class with `send(to, body)`; none is bundled.
"""

import sys
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string


class SmsSender(Protocol):
    def send(self, to: str, body: str) -> None: ...


class ConsoleSmsSender:
    """Writes the message to standard output, like Django's console e-mail backend."""

    def send(self, to: str, body: str) -> None:
        sys.stdout.write(f"SMS to {to}: {body}\n")


def sender() -> SmsSender:
    path = getattr(settings, "TANDEM_SMS_SENDER", "measurement.sms.ConsoleSmsSender")
    return import_string(path)()
