"""Reliable change from baseline to latest, per instrument, by a points rule from the source.

The clinical reference gives, verified (§1b, "Reliable / meaningful change"), the IAPT rule:
PHQ-9 "Reliable improvement ≥6 (IAPT rule)" and GAD-7 "IAPT reliable ≥4". A change of that
many points or more is reliable: a drop is reliable improvement, a rise reliable deterioration
(higher scores are worse on both). The rule works on the points themselves,
the same for everyone, so it needs no SD or reliability and does not depend on sex.

An instrument the reference gives no single rule for gets none (`classification`
"not-computed", and the reason in `note`). Clinically significant change uses the
instrument's published positive cut-off (§0/§1a).
"""

from collections.abc import Sequence
from dataclasses import dataclass

REFERENCE = "/work/shared/domain/clinical-reference.md"
CUTOFFS = f"{REFERENCE} §0 and §1a"
CHANGE_THRESHOLDS = 'Clinical reference §1b, "Reliable / meaningful change", marked verified'


@dataclass(frozen=True)
class Rule:
    """What reliable change is for one instrument, or why it is not computed."""

    code: str
    points: int | None  # a change of this many points or more, either way, is reliable
    source: str  # where `points` comes from
    cutoff: int | None  # published positive cut-off (score ≥ cutoff is in the clinical range)
    cutoff_source: str
    not_computed: str = ""  # why there is no rule, when there is none

    @property
    def words(self) -> str:
        """The rule as a clinician reads it beside the change."""
        return f"IAPT rule ≥{self.points} points" if self.points is not None else ""


# §1b names the PHQ-9 rule for improvement only ("Reliable improvement ≥6 (IAPT rule)") and
# the GAD-7 rule without a direction ("IAPT reliable ≥4"). Counting a rise of the same size
# as reliable deterioration is the IAPT rule's own symmetric reading, not words of §1b:
# confirm it against the IAPT manual when the reference is next revised.
RULES: dict[str, Rule] = {
    "phq-9": Rule(
        "phq-9",
        6,
        f'{CHANGE_THRESHOLDS}: PHQ-9 "Reliable improvement ≥6 (IAPT rule)".',
        10,
        f"total ≥ 10 probable major depression ({CUTOFFS})",
    ),
    "gad-7": Rule(
        "gad-7",
        4,
        f'{CHANGE_THRESHOLDS}: GAD-7 "IAPT reliable ≥4".',
        10,
        f"total ≥ 10 ({CUTOFFS})",
    ),
    "pcl-5": Rule(
        "pcl-5",
        None,
        "",
        33,
        f"total ≥ 33, Tandem's default of the published 31-33 ({CUTOFFS})",
        not_computed="The clinical reference gives the PCL-5's reliable change only as a range "
        "(RCI ≥15-18, Marx 2022, §1b), not one rule, so none is applied.",
    ),
    "bam": Rule(
        "bam",
        None,
        "",
        None,
        "",
        not_computed="The clinical reference gives no reliable-change rule for the BAM (§1b).",
    ),
}


@dataclass(frozen=True)
class Change:
    baseline: int | None
    latest: int | None
    points: int | None  # latest − baseline, with two scores or more
    threshold: int | None  # the rule: a change of this many points or more is reliable
    rule: str  # the rule in words ("IAPT rule ≥6 points"); "" when none
    classification: str  # reliable-improvement | no-reliable-change | reliable-deterioration
    clinically_significant: str  # recovered | — | "" ; see `clinical_significance`
    source: str
    note: str


def signed(points: float) -> str:
    """A change as a clinician writes it, with its sign: "−7", "+6", "0"."""
    sign = "−" if points < 0 else "+" if points > 0 else ""
    return f"{sign}{abs(points):g}"


def signed_points(points: float) -> str:
    """A change in points with its sign: "−7 points", "+1 point", "0 points"."""
    return f"{signed(points)} point{'' if abs(points) == 1 else 's'}"


def classify(points: int, threshold: int) -> str:
    """A change of `threshold` points or more is reliable: a drop improvement, a rise
    deterioration (§1b, the IAPT rule)."""
    if points <= -threshold:
        return "reliable-improvement"
    if points >= threshold:
        return "reliable-deterioration"
    return "no-reliable-change"


def clinical_significance(classification: str, baseline: int, latest: int, cutoff: int) -> str:
    """Recovered: reliable improvement from the clinical range (≥ cut-off) to below it."""
    if classification == "reliable-improvement" and baseline >= cutoff > latest:
        return "recovered"
    if classification == "reliable-improvement":
        return "improved"
    if classification == "reliable-deterioration":
        return "deteriorated"
    return "unchanged"


def not_computed(totals: Sequence[int], why: str) -> Change:
    """A series with no reliable-change rule: its ends, the points between them, the reason."""
    baseline = totals[0] if totals else None
    latest = totals[-1] if totals else None
    points = totals[-1] - totals[0] if len(totals) >= 2 else None
    return Change(baseline, latest, points, None, "", "not-computed", "", "", why)


def change(code: str, totals: list[int]) -> Change:
    """Reliable change from the first to the last of `totals` (oldest first)."""
    rule = RULES.get(code)
    if rule is None:
        return not_computed(
            totals, "The clinical reference gives no reliable-change rule for this instrument."
        )
    if rule.points is None:
        return not_computed(totals, rule.not_computed)
    if len(totals) < 2:
        return Change(
            totals[0] if totals else None,
            totals[-1] if totals else None,
            None,
            rule.points,
            rule.words,
            "not-computed",
            "",
            rule.source,
            "Reliable change needs a baseline and a later score.",
        )
    baseline, latest = totals[0], totals[-1]
    points = latest - baseline
    kind = classify(points, rule.points)
    significance = (
        clinical_significance(kind, baseline, latest, rule.cutoff)
        if rule.cutoff is not None
        else ""
    )
    return Change(
        baseline,
        latest,
        points,
        rule.points,
        rule.words,
        kind,
        significance,
        rule.source,
        f"A drop of {rule.points} points or more is reliable improvement, a rise of "
        f"{rule.points} or more reliable deterioration.",
    )
