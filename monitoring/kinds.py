"""Alert kinds: each module registers the kinds it raises, with a plain-words label."""

_kinds: dict[str, str] = {}


def register_kind(code: str, label: str) -> None:
    _kinds[code] = label


def label(code: str) -> str:
    return _kinds.get(code, code.replace("-", " ").capitalize())


def registered() -> dict[str, str]:
    return dict(_kinds)
