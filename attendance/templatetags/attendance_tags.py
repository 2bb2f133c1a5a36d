"""The name the portal's and support people's pages still load the shared duration filter by
(`tandem.templatetags.durations`, a builtin everywhere else)."""

from tandem.templatetags.durations import register

__all__ = ["register"]
