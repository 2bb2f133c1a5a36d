"""The level-of-care rule set, declared as data, and the small engine that applies it.

These are Tandem's own transparent default rules, written for this program. They are NOT
the ASAM Criteria decision rules, which are licensed and are not shipped (clinical
reference, section 2). A program that holds an ASAM licence replaces this rule set by
naming its own `RuleSet` in the `TANDEM_PLACEMENT_RULE_SET` setting (a dotted path).

How a rule set is applied: every rule is checked against the six dimension ratings and the
participant's latest instrument results. The recommended level is the most intensive level
that any rule which fired asks for; rules may also ask for a step before any outpatient
placement (a same-day safety evaluation). Every rule that fired is shown with its reason.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from django.conf import settings
from django.utils.module_loading import import_string

from accounts.models import LevelOfCare
from assessments.selectors import band_label, definition, flag_label
from placement.asam import intensity

DEFAULT_RULE_SET = "placement.rules.TANDEM_DEFAULT_RULES"


@dataclass(frozen=True)
class InstrumentResult:
    """The parts of a scored instrument the rules read."""

    instrument: str
    band: str = ""
    flags: tuple[str, ...] = ()
    completed_at: datetime | None = None

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> "InstrumentResult":
        """From a plain dict: flags may be codes or {"code": ...} dicts, as the scorer gives."""
        flags = tuple(f["code"] if isinstance(f, Mapping) else f for f in data.get("flags", ()))
        return cls(data["instrument"], data.get("band") or "", flags, data.get("completed_at"))

    def as_dict(self) -> dict[str, Any]:
        return {
            "instrument": self.instrument,
            "band": self.band,
            "flags": list(self.flags),
            "completed_at": self.completed_at.isoformat() if self.completed_at else None,
        }


@dataclass(frozen=True)
class RuleInputs:
    ratings: Mapping[str, int]  # dimension id -> 0..4
    results: Mapping[str, InstrumentResult] = field(default_factory=dict)  # latest per instrument


def rule_inputs(
    ratings: Mapping[str, int], results: Iterable[InstrumentResult | Mapping[str, Any]] = ()
) -> RuleInputs:
    """Rule inputs from ratings and recent results given newest first (the first per
    instrument is its latest)."""
    latest: dict[str, InstrumentResult] = {}
    for item in results:
        result = item if isinstance(item, InstrumentResult) else InstrumentResult.from_mapping(item)
        latest.setdefault(result.instrument, result)
    return RuleInputs(dict(ratings), latest)


class Condition(Protocol):
    def holds(self, inputs: RuleInputs) -> bool: ...

    def describe(self) -> str: ...


@dataclass(frozen=True)
class RatingAtLeast:
    dimension: str
    rating: int

    def holds(self, inputs: RuleInputs) -> bool:
        return inputs.ratings.get(self.dimension, 0) >= self.rating

    def describe(self) -> str:
        more = "" if self.rating == 4 else " or more"
        return f"dimension {self.dimension} rated {self.rating}{more}"


@dataclass(frozen=True)
class AllOf:
    conditions: tuple[Condition, ...]

    def holds(self, inputs: RuleInputs) -> bool:
        return all(c.holds(inputs) for c in self.conditions)

    def describe(self) -> str:
        return " and ".join(c.describe() for c in self.conditions)


@dataclass(frozen=True)
class AnyOf:
    conditions: tuple[Condition, ...]

    def holds(self, inputs: RuleInputs) -> bool:
        return any(c.holds(inputs) for c in self.conditions)

    def describe(self) -> str:
        return " or ".join(c.describe() for c in self.conditions)


@dataclass(frozen=True)
class BandIs:
    instrument: str
    bands: tuple[str, ...]
    name: str  # how clinicians call the instrument, e.g. "PHQ-9"

    def holds(self, inputs: RuleInputs) -> bool:
        result = inputs.results.get(self.instrument)
        return result is not None and result.band in self.bands

    def describe(self) -> str:
        instrument = definition(self.instrument)
        labels = (band_label(instrument, band) for band in self.bands)
        return f"the latest {self.name} band is {' or '.join(labels)}"


@dataclass(frozen=True)
class HasFlag:
    instrument: str
    flag: str
    name: str

    def holds(self, inputs: RuleInputs) -> bool:
        result = inputs.results.get(self.instrument)
        return result is not None and self.flag in result.flags

    def describe(self) -> str:
        label = flag_label(definition(self.instrument), self.flag)
        return f"the latest {self.name} has the flag {label}"


@dataclass(frozen=True)
class Always:
    def holds(self, inputs: RuleInputs) -> bool:
        return True

    def describe(self) -> str:
        return "always"


@dataclass(frozen=True)
class Rule:
    """`level`: the level this rule asks for at least. `prerequisite`: a step that must be
    done before any outpatient placement. A rule has one or both."""

    id: str
    when: Condition
    reason: str
    level: str | None = None
    prerequisite: str = ""


@dataclass(frozen=True)
class RuleSet:
    name: str  # stored on every decision, so a decision names the rules it was made under
    label: str  # shown on screen beside every recommendation
    rules: tuple[Rule, ...]

    def __post_init__(self) -> None:
        ids = [r.id for r in self.rules]
        if len(ids) != len(set(ids)):
            raise ValueError(f"Rule ids in {self.name} must be unique.")
        for rule in self.rules:
            if rule.level is None and not rule.prerequisite:
                raise ValueError(f"Rule {rule.id} asks for neither a level nor a step.")
            if rule.level is not None and rule.level not in LevelOfCare.values:
                raise ValueError(f"Rule {rule.id} names an unknown level {rule.level!r}.")


@dataclass(frozen=True)
class FiredRule:
    id: str
    reason: str
    level: str | None
    prerequisite: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "reason": self.reason,
            "level": self.level,
            "prerequisite": self.prerequisite,
        }


@dataclass(frozen=True)
class Recommendation:
    rule_set: RuleSet
    level: str | None  # None when no level rule fired
    fired: tuple[FiredRule, ...]
    prerequisites: tuple[str, ...]
    inputs: RuleInputs

    @property
    def deciding(self) -> tuple[FiredRule, ...]:
        """The rules that set the recommended level."""
        return tuple(r for r in self.fired if r.level is not None and r.level == self.level)


def evaluate(rule_set: RuleSet, inputs: RuleInputs) -> Recommendation:
    fired = tuple(
        FiredRule(rule.id, rule.reason, rule.level, rule.prerequisite)
        for rule in rule_set.rules
        if rule.when.holds(inputs)
    )
    levels = [r.level for r in fired if r.level is not None]
    level = max(levels, key=intensity) if levels else None
    prerequisites = tuple(dict.fromkeys(r.prerequisite for r in fired if r.prerequisite))
    return Recommendation(rule_set, level, fired, prerequisites, inputs)


def active_rule_set() -> RuleSet:
    """The program's rule set: the setting's, or Tandem's defaults."""
    rule_set = import_string(getattr(settings, "TANDEM_PLACEMENT_RULE_SET", DEFAULT_RULE_SET))
    if not isinstance(rule_set, RuleSet):
        raise TypeError("TANDEM_PLACEMENT_RULE_SET must name a placement.rules.RuleSet.")
    return rule_set


def rule_set_label(name: str) -> str:
    """The label of the rule set a decision names ("Tandem default rules — not the ASAM
    Criteria decision rules"), for the active and the default rule sets; the name of any
    other, which only its stored name still describes."""
    known = {
        rule_set.name: rule_set.label for rule_set in (TANDEM_DEFAULT_RULES, active_rule_set())
    }
    return known.get(name, name)


SAFETY_EVALUATION = "A same-day safety evaluation, before any outpatient placement"

TANDEM_DEFAULT_RULES = RuleSet(
    name="tandem-default-1",
    label="Tandem default rules — not the ASAM Criteria decision rules",
    rules=(
        Rule(
            "withdrawal-first",
            RatingAtLeast("1", 3),
            "Withdrawal risk is significant or severe: manage withdrawal first, then "
            "re-assess the level of care.",
            level=LevelOfCare.WITHDRAWAL,
        ),
        Rule(
            "biomedical-severe",
            RatingAtLeast("2", 4),
            "Severe biomedical conditions need 24-hour medically managed care.",
            level=LevelOfCare.INPATIENT,
        ),
        Rule(
            "psychiatric-severe",
            RatingAtLeast("3", 4),
            "Severe emotional, behavioural or cognitive conditions need 24-hour medically "
            "managed care.",
            level=LevelOfCare.INPATIENT,
        ),
        Rule(
            "environment-unsafe",
            RatingAtLeast("6", 4),
            "The living environment is severely unsafe or unsupportive: a residential setting "
            "gives a safe place to start recovery.",
            level=LevelOfCare.RESIDENTIAL,
        ),
        Rule(
            "relapse-and-environment",
            AllOf((RatingAtLeast("5", 3), RatingAtLeast("6", 3))),
            "High relapse potential together with a significantly unsupportive environment.",
            level=LevelOfCare.RESIDENTIAL,
        ),
        Rule(
            "psychiatric-significant",
            RatingAtLeast("3", 3),
            "Significant psychiatric complications need daily structured treatment.",
            level=LevelOfCare.PHP,
        ),
        Rule(
            "biomedical-significant",
            RatingAtLeast("2", 3),
            "Significant biomedical complications need daily monitoring.",
            level=LevelOfCare.PHP,
        ),
        Rule(
            "moderate-needs",
            AnyOf(tuple(RatingAtLeast(d, 2) for d in ("3", "4", "5", "6"))),
            "A moderate need in dimension 3, 4, 5 or 6 calls for more than weekly therapy.",
            level=LevelOfCare.IOP,
        ),
        Rule(
            "depression-severe",
            BandIs("phq-9", ("moderately-severe", "severe"), "PHQ-9"),
            "The latest PHQ-9 shows moderately severe or severe depression.",
            level=LevelOfCare.IOP,
        ),
        Rule(
            "alcohol-zone-4",
            BandIs("audit", ("zone-4",), "AUDIT"),
            "The latest AUDIT is in zone IV (20 or more).",
            level=LevelOfCare.IOP,
        ),
        Rule(
            "drug-problems-substantial",
            BandIs("dast-10", ("substantial", "severe"), "DAST-10"),
            "The latest DAST-10 shows substantial or severe drug-related problems.",
            level=LevelOfCare.IOP,
        ),
        Rule(
            "suicide-risk-high",
            BandIs("cssrs-screener", ("high",), "C-SSRS screener"),
            "The latest C-SSRS screener shows high suicide risk.",
            prerequisite=SAFETY_EVALUATION,
        ),
        Rule(
            "phq9-item-9",
            HasFlag("phq-9", "suicide-risk", "PHQ-9"),
            "PHQ-9 item 9 (thoughts of self-harm) was answered above 0 on the latest PHQ-9.",
            prerequisite=SAFETY_EVALUATION,
        ),
        Rule(
            "outpatient-baseline",
            Always(),
            "No other rule asked for more: outpatient care.",
            level=LevelOfCare.OUTPATIENT,
        ),
    ),
)
