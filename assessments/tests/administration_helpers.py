"""Answer sets for the administration tests, shaped as the service and the pages take them."""

from assessments.instruments import get


def answers(code: str, value: int = 0, **pinned: int) -> dict[str, int]:
    """Every required item of `code` answered `value`; `q9=1` pins item "9" (`q6a` → "6a")."""
    result = {item.id: value for item in get(code).items if item.required and not item.skip}
    result.update({key.removeprefix("q"): v for key, v in pinned.items()})
    return result


def posted(given: dict[str, int]) -> dict[str, str]:
    """Answers as the questionnaire page posts them."""
    return {f"item-{item}": str(value) for item, value in given.items()}
