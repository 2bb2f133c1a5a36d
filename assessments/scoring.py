"""The one scorer for every instrument in ``assessments.instruments``.

``score()`` validates a set of answers against an instrument's declared items and skip
rules, then computes total, subscales, band, positive result and flags from the
declared rules. It holds no instrument-specific logic: everything clinical is data in
the definition modules, so a rule is reviewed in one place.

Completeness policy. No source in the clinical reference allows prorating, so:

- by default (the API's score endpoint) every required answer must be present, taking
  the instrument's own skip rules into account; a missing one is a ``ScoringError``
  (HTTP 422);
- ``allow_incomplete=True`` (saved partial forms) accepts missing required answers and
  returns ``complete=False`` with ``total``, ``band`` and ``positive`` set to None,
  only the subscales whose items are all answered, and only the critical flags that the
  answers already given decide (a PHQ-9 item 9 above 0 or any C-SSRS yes still alerts).

Unknown ids, values outside an item's options (wrong type, bool, float, None included),
answers that a skip rule forbids and bad context/overrides are errors in both modes.
Pure Python: no Django imports.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TypedDict

from assessments.instruments import get
from assessments.instruments.types import (
    AllOf,
    AnyOf,
    Condition,
    Count,
    Instrument,
    Item,
    ItemAtLeast,
    ItemIn,
    PositiveIs,
    SexIs,
    SubscaleRange,
    Total,
)


class AnswerError(TypedDict):
    """One refused answer: the item it concerns (None for the form as a whole), why, and
    which kind of refusal it is, so a form can say it in its reader's words and language:
    "required" (unanswered), "not-allowed" (an answer the item does not offer),
    "not-applicable" (answered where the instrument's skip rule leaves it out), or "" for
    anything else."""

    item: str | None
    message: str
    kind: str


__all__ = ["Flag", "ScoreResult", "ScoringError", "Threshold", "score", "validate"]

SEX_VALUES = ("male", "female", "unknown")
CONTEXT_KEYS = ("sex",)
# The basis of a cut-off the program set in place of the published one.
PROGRAM_OVERRIDE = "program-override"


class ScoringError(ValueError):
    """Invalid input; ``errors`` holds one `AnswerError` per problem."""

    def __init__(self, errors: list[AnswerError]) -> None:
        super().__init__("; ".join(error["message"] or "" for error in errors))
        self.errors = errors


@dataclass(frozen=True)
class Flag:
    """A raised flag. ``critical`` flags raise a clinical alert."""

    code: str
    item: str | None
    message: str
    critical: bool = False

    def to_dict(self, *, extended: bool = False) -> dict[str, Any]:
        """``{"code", "item", "message"}``, plus ``"critical"`` when ``extended``."""
        data: dict[str, Any] = {"code": self.code, "item": self.item, "message": self.message}
        if extended:
            data["critical"] = self.critical
        return data


@dataclass(frozen=True)
class Threshold:
    """A cut-off used for this result, to show beside the score.

    ``basis`` is "default", "program-override", or "sex-male" / "sex-female" /
    "sex-unknown" for AUDIT-C.
    """

    key: str
    value: int
    basis: str


@dataclass(frozen=True)
class ScoreResult:
    """The outcome of scoring one administration."""

    instrument: str
    complete: bool
    total: int | None
    subscales: dict[str, int | float]
    band: str | None
    positive: bool | None
    flags: tuple[Flag, ...]
    thresholds: tuple[Threshold, ...] = ()

    @property
    def critical_flags(self) -> tuple[Flag, ...]:
        """The flags that must raise a clinical alert."""
        return tuple(flag for flag in self.flags if flag.critical)

    def to_dict(self, *, extended: bool = False) -> dict[str, Any]:
        """The API shape; ``extended`` adds flag criticality, thresholds and band label."""
        data: dict[str, Any] = {
            "instrument": self.instrument,
            "complete": self.complete,
            "total": self.total,
            "subscales": dict(self.subscales),
            "band": self.band,
            "positive": self.positive,
            "flags": [flag.to_dict(extended=extended) for flag in self.flags],
        }
        if extended:
            data["band_label"] = get(self.instrument).band_label(self.band) if self.band else None
            data["critical"] = bool(self.critical_flags)
            data["thresholds"] = {
                threshold.key: {"value": threshold.value, "basis": threshold.basis}
                for threshold in self.thresholds
            }
        return data


# ---------------------------------------------------------------------------
# Public functions
# ---------------------------------------------------------------------------


def validate(
    code: str,
    answers: Mapping[Any, Any],
    context: Any = None,
    *,
    overrides: Any = None,
    allow_incomplete: bool = False,
) -> list[AnswerError]:
    """Return the validation errors ``score()`` would raise (an empty list when valid).

    The arguments are typed loosely on purpose: they come straight from JSON, and saying
    what is wrong with them is this function's job."""
    return _Check(get(code), answers, context, overrides, allow_incomplete).errors


def score(
    code: str,
    answers: Mapping[str, int],
    context: Mapping[str, Any] | None = None,
    *,
    overrides: Mapping[str, Any] | None = None,
    allow_incomplete: bool = False,
) -> ScoreResult:
    """Score ``answers`` ({item id: published point value}) for instrument ``code``.

    ``context`` may carry ``sex`` ("male", "female", "unknown"; used by AUDIT-C).
    ``overrides`` may set ``positive_threshold`` where the instrument allows it
    (DAST-10: 3-4, PCL-5: 31-33). Raises ``ScoringError`` on invalid input and
    ``UnknownInstrumentError`` for an unknown code.
    """
    instrument = get(code)
    check = _Check(instrument, answers, context, overrides, allow_incomplete)
    if check.errors:
        raise ScoringError(check.errors)
    return _compute(instrument, check)


# ---------------------------------------------------------------------------
# Validation
# ---------------------------------------------------------------------------


class _Check:
    """Validates input and records, per item, its value for conditions and its points."""

    def __init__(
        self,
        instrument: Instrument,
        answers: Any,
        context: Any,
        overrides: Any,
        allow_incomplete: bool,
    ) -> None:
        self.instrument = instrument
        self.errors: list[AnswerError] = []
        self.sex = "unknown"
        self.threshold_override: int | None = None
        self.values: dict[str, int | None] = {}  # None: not known (missing or invalid)
        self.points: dict[str, int | None] = {}
        self.complete = True
        self._check_context(context)
        self._check_overrides(overrides)
        if not isinstance(answers, Mapping):
            self._error(None, "answers must be an object mapping item ids to integer values")
            return
        self._check_unknown_ids(answers)
        for item in instrument.items:
            self._check_item(item, answers, allow_incomplete)

    def _error(self, item: str | None, message: str, kind: str = "") -> None:
        self.errors.append({"item": item, "message": message, "kind": kind})

    def _check_context(self, context: Any) -> None:
        if context is None:
            return
        if not isinstance(context, Mapping):
            self._error(None, "context must be an object or null")
            return
        for key in context:
            if key not in CONTEXT_KEYS:
                self._error(None, f"unknown context key {key!r} (allowed: sex)")
        sex = context.get("sex")
        if sex is None:
            return
        if sex not in SEX_VALUES:
            self._error(None, f"context sex must be 'male', 'female' or 'unknown', not {sex!r}")
            return
        self.sex = sex

    def _check_overrides(self, overrides: Any) -> None:
        if overrides is None:
            return
        if not isinstance(overrides, Mapping):
            self._error(None, "overrides must be an object or null")
            return
        rule = self.instrument.positive
        for key, value in overrides.items():
            if rule is None or not rule.overridable or key != rule.override_key:
                self._error(
                    None, f"{self.instrument.short_name} has no overridable setting {key!r}"
                )
            elif type(value) is not int or value not in rule.overridable:
                allowed = ", ".join(str(v) for v in rule.overridable)
                self._error(None, f"{key} must be one of {allowed}, not {value!r}")
            else:
                self.threshold_override = value

    def _check_unknown_ids(self, answers: Mapping[Any, Any]) -> None:
        known = set(self.instrument.item_ids)
        for key in answers:
            if not isinstance(key, str):
                self._error(None, f"item ids must be strings, not {key!r}")
            elif key not in known:
                self._error(key, f"unknown item {key!r} for {self.instrument.short_name}")

    def _check_item(self, item: Item, answers: Mapping[Any, Any], allow_incomplete: bool) -> None:
        present = item.id in answers
        value = answers.get(item.id)
        self.values[item.id] = None
        self.points[item.id] = None
        skip = item.skip
        applies = _evaluate(skip.when, self._env()) if skip else False

        if present:
            if type(value) is not int or value not in item.allowed_values:
                self._error(item.id, _bad_value_message(item, value), "not-allowed")
                return
            if applies is True and skip and skip.effect == "must-omit":
                self._error(
                    item.id, f"item {item.id} must be absent: {skip.reason}", "not-applicable"
                )
                return
            if applies is True and skip and skip.effect == "absent-or-zero" and value != 0:
                self._error(
                    item.id, f"item {item.id} must be absent or 0: {skip.reason}", "not-applicable"
                )
                return
            self.values[item.id] = value
            self.points[item.id] = item.points(value) if item.scored else 0
            return

        if applies is True:  # legitimately skipped: scores 0
            self.values[item.id] = 0
            self.points[item.id] = 0
        elif applies is None:  # depends on an answer that is missing or invalid
            self.complete = False
        elif item.required:
            self.complete = False
            if not allow_incomplete:
                self._error(item.id, f"item {item.id} is required", "required")

    def _env(self) -> _Env:
        return _Env(values=self.values, sex=self.sex)


def _bad_value_message(item: Item, value: Any) -> str:
    if item.value_range is not None:
        low, high = item.value_range
        allowed = f"an integer from {low} to {high}"
    else:
        allowed = "one of " + ", ".join(str(v) for v in item.allowed_values)
    return f"item {item.id}: value {value!r} is not allowed (expected {allowed})"


# ---------------------------------------------------------------------------
# Computation
# ---------------------------------------------------------------------------


@dataclass
class _Env:
    """What conditions can see; None anywhere means "not decidable"."""

    values: Mapping[str, int | None]
    sex: str = "unknown"
    total: int | None = None
    subscales: Mapping[str, int | float] | None = None
    positive: bool | None = None


def _compute(instrument: Instrument, check: _Check) -> ScoreResult:
    complete = check.complete
    spec = instrument.scoring
    total = None
    if complete and spec.total_items:
        total = sum(check.points[item_id] or 0 for item_id in spec.total_items)

    subscales: dict[str, int | float] = {}
    for subscale in spec.subscales:
        if subscale.use_total:
            if total is not None:
                subscales[subscale.key] = total * subscale.multiplier
            continue
        points = [check.points[item_id] for item_id in subscale.items]
        if all(value is not None for value in points):
            subscales[subscale.key] = sum(points) * subscale.multiplier  # type: ignore[arg-type]

    env = _Env(values=check.values, sex=check.sex, total=total, subscales=subscales)
    positive, thresholds = _positive(instrument, check, env) if complete else (None, ())
    env.positive = positive
    band = _band(instrument, env) if complete else None

    yes_items = [item.id for item in instrument.items if check.values.get(item.id) == 1]
    fields = {
        "band": instrument.band_label(band) if band else "Risk level undetermined",
        "yes_items": ", ".join(yes_items) or "none",
    }
    flags = tuple(
        Flag(spec.code, spec.item, spec.message.format_map(fields), spec.critical)
        for spec in instrument.flags
        if (complete or spec.critical) and _evaluate(spec.when, env) is True
    )
    return ScoreResult(
        instrument=instrument.code,
        complete=complete,
        total=total,
        subscales=subscales,
        band=band,
        positive=positive,
        flags=flags,
        thresholds=thresholds,
    )


def _positive(
    instrument: Instrument, check: _Check, env: _Env
) -> tuple[bool | None, tuple[Threshold, ...]]:
    rule = instrument.positive
    if rule is None:
        return None, ()
    if rule.condition is not None:
        return _evaluate(rule.condition, env), ()
    value: int | None
    if check.threshold_override is not None:
        value, basis = check.threshold_override, PROGRAM_OVERRIDE
    elif rule.by_sex:
        value, basis = rule.threshold_for(check.sex), f"sex-{check.sex}"
    else:
        value, basis = rule.threshold, "default"
    if value is None or env.total is None:
        return None, ()
    positive = env.total >= value if rule.comparison == "at-least" else env.total < value
    return positive, (Threshold(rule.override_key, value, basis),)


def _band(instrument: Instrument, env: _Env) -> str | None:
    for band in instrument.bands:
        outside = env.total is None or not (
            (band.low is None or band.low <= env.total)
            and (band.high is None or env.total <= band.high)
        )
        if band.low is not None and outside:
            continue
        if band.when is not None and _evaluate(band.when, env) is not True:
            continue
        return band.key
    return None


# ---------------------------------------------------------------------------
# Three-valued condition evaluation
# ---------------------------------------------------------------------------


def _evaluate(condition: Condition, env: _Env) -> bool | None:
    """True / False, or None when the known answers do not decide the condition."""
    match condition:
        case ItemIn(item=item, values=values):
            value = env.values.get(item)
            return None if value is None else value in values
        case ItemAtLeast(item=item, value=minimum):
            value = env.values.get(item)
            return None if value is None else value >= minimum
        case Count():
            return _count(condition, env)
        case Total(at_least=at_least, below=below):
            if env.total is None:
                return None
            return (at_least is None or env.total >= at_least) and (
                below is None or env.total < below
            )
        case SubscaleRange(subscale=key, at_least=at_least, at_most=at_most):
            score = (env.subscales or {}).get(key)
            if score is None:
                return None
            return (at_least is None or score >= at_least) and (at_most is None or score <= at_most)
        case PositiveIs(value=expected):
            return None if env.positive is None else env.positive is expected
        case SexIs(values=values):
            return env.sex in values
        case AllOf(conditions=conditions):
            return _all([_evaluate(sub, env) for sub in conditions])
        case AnyOf(conditions=conditions):
            results = [_evaluate(sub, env) for sub in conditions]
            if True in results:
                return True
            return None if None in results else False
    raise TypeError(f"unsupported condition {condition!r}")


def _count(condition: Count, env: _Env) -> bool | None:
    values = [env.values.get(item) for item in condition.items]
    matches = sum(1 for v in values if v is not None and condition.low <= v <= condition.high)
    most = matches + sum(1 for v in values if v is None)
    results: list[bool | None] = []
    if condition.at_least is not None:
        at_least = condition.at_least
        results.append(True if matches >= at_least else False if most < at_least else None)
    if condition.at_most is not None:
        at_most = condition.at_most
        results.append(True if most <= at_most else False if matches > at_most else None)
    return _all(results)


def _all(results: list[bool | None]) -> bool | None:
    """Three-valued AND (True for no operands)."""
    if False in results:
        return False
    return None if None in results else True
