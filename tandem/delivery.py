"""Sending an e-mail or a text message to a participant.

A mail server's refusal quotes the address it refused ({'robin@example.org': (550, ...)}) and a
text provider's error may quote the number. Such an error would land in the server's log and,
in background work, in the failed task's row of the queue table, where it stays for days and
says which address the program's reminders go to. `delivering` puts a `NotDelivered` in its
place that names the record the message was for and the kind of failure, never the address or
the text.
"""

from collections.abc import Iterator
from contextlib import contextmanager


class NotDelivered(Exception):
    """A message to a participant was not sent; the failure is named by its kind alone."""


@contextmanager
def delivering(what: str) -> Iterator[None]:
    """Send inside this block; `what` names the message by record ids ("follow-up <id>")."""
    try:
        yield
    except Exception as exc:
        # `from None`: the original error, with the address in it, is left out of the
        # traceback that the log and the task's row keep.
        raise NotDelivered(f"{what} was not sent: {type(exc).__name__}.") from None
