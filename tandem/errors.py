"""Errors that services raise and views turn into clear messages."""


class TandemError(Exception):
    """A user-facing refusal: the message is safe to show and names no participant."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class InvalidInput(TandemError):
    """The request asked for something the rules do not allow; nothing was written."""


class ConcurrentEdit(TandemError):
    """Somebody else saved the record after this form was opened.

    `message` replaces the usual advice to reload where the refusal says more: the other
    person's draft shown to merge with, a signed version that never changes."""

    def __init__(self, what: str = "record", *, message: str | None = None) -> None:
        super().__init__(
            message
            or (
                f"This {what} was changed by someone else after you opened it. "
                "Reload to see their changes, then make yours again."
            )
        )


class AccessDenied(TandemError):
    """The access policy refused; the refusal itself is audited."""
