"""The current request's client address, for audit events written deep in services."""

from contextvars import ContextVar

client_address: ContextVar[str | None] = ContextVar("client_address", default=None)
