"""Reliable change (Jacobson & Truax 1991) from baseline to latest, per instrument.

RCI = (latest − baseline) / S_diff, with S_diff = √2 · SE and SE = SD · √(1 − r)
(clinical reference §1b, "Jacobson–Truax method"). |RCI| > 1.96 is reliable change
(p < .05), as §1b words it: exactly 1.96 is not. Higher scores are worse on every
instrument here, so a negative RCI is an improvement.

SD and r come only from a published source named in `NORMS`; an instrument without one
gets no RCI (`rci` None, `classification` "not-computed", and the reason). The sources
were read as abstracts through a search of public pages, not in full text, and are not in
the shared clinical reference: they are marked ⚠️ there and in docs/instruments.md.
Clinically significant change uses the instrument's published positive cut-off (§0/§1a).
"""

import math
from dataclasses import dataclass

RELIABLE = 1.96


@dataclass(frozen=True)
class Norm:
    sd: float
    reliability: float
    source: str
    sd_basis: str
    reliability_basis: str


@dataclass(frozen=True)
class InstrumentNorms:
    """What reliable change needs for one instrument, or why it is not computed."""

    code: str
    # SD by the participant's sex where the source gives it by sex ("female"/"male"); "any"
    # where one SD serves everyone.
    norms: dict[str, Norm]
    cutoff: int | None  # published positive cut-off (score ≥ cutoff is in the clinical range)
    cutoff_source: str
    not_computed: str = ""  # why there is no RCI, when there is none

    def norm_for(self, sex: str | None) -> Norm | None:
        return self.norms.get("any") or self.norms.get(sex or "")


KOCALEVENT_2013 = (
    "Kocalevent R-D, Hinz A, Brähler E. Standardization of the depression screener Patient "
    "Health Questionnaire (PHQ-9) in the general population. Gen Hosp Psychiatry "
    "2013;35(5):551-555. doi:10.1016/j.genhosppsych.2013.04.006 (abstract: mean (SD) "
    "3.1 (3.5) women, 2.7 (3.5) men, n = 5018)"
)
SUN_2020 = (
    "Sun Y, et al. The reliability and validity of PHQ-9 in patients with major depressive "
    "disorder in psychiatric hospital. BMC Psychiatry 2020;20:474 (abstract: Cronbach's "
    "α 0.892; two-week test-retest 0.737)"
)
LOWE_2008 = (
    "Löwe B, Decker O, Müller S, et al. Validation and standardization of the Generalized "
    "Anxiety Disorder Screener (GAD-7) in the general population. Med Care "
    "2008;46(3):266-274. doi:10.1097/MLR.0b013e318160d093 (abstract: α = 0.89 in every "
    "subgroup; mean (SD) 3.2 (3.5) women, 2.7 (3.2) men, n = 5030)"
)
REFERENCE = "/work/shared/domain/clinical-reference.md §0 and §1a"

NORMS: dict[str, InstrumentNorms] = {
    "phq-9": InstrumentNorms(
        "phq-9",
        {
            "any": Norm(
                3.5,
                0.892,
                f"SD: {KOCALEVENT_2013}. r: {SUN_2020}.",
                "general-population SD (the same for women and men)",
                "internal consistency (Cronbach's α) in outpatients and inpatients with MDD",
            )
        },
        10,
        f"total ≥ 10 probable major depression ({REFERENCE})",
    ),
    "gad-7": InstrumentNorms(
        "gad-7",
        {
            "female": Norm(
                3.5,
                0.89,
                LOWE_2008,
                "general-population SD, women",
                "internal consistency (Cronbach's α), general population",
            ),
            "male": Norm(
                3.2,
                0.89,
                LOWE_2008,
                "general-population SD, men",
                "internal consistency (Cronbach's α), general population",
            ),
        },
        10,
        f"total ≥ 10 ({REFERENCE})",
        not_computed="The source gives the SD for women and men only; with the sex at birth "
        "not recorded as female or male no SD applies.",
    ),
    "pcl-5": InstrumentNorms(
        "pcl-5",
        {},
        33,
        f"total ≥ 33, Tandem's default of the published 31-33 ({REFERENCE})",
        not_computed="No SD and reliability for the PCL-5 were found and read in a citable "
        "source (the clinical reference gives only an RCI range of 15-18 from Marx 2022).",
    ),
    "bam": InstrumentNorms(
        "bam",
        {},
        None,
        "",
        not_computed="No published SD and reliability for the BAM subscales as Tandem scores "
        "them (0-4 coding, clinical reference §0 ⚠️) were found.",
    ),
}


@dataclass(frozen=True)
class Change:
    baseline: int | None
    latest: int | None
    sd: float | None
    reliability: float | None
    rci: float | None
    classification: str  # reliable-improvement | no-reliable-change | reliable-deterioration
    clinically_significant: str  # recovered | — | "" ; see `clinical_significance`
    source: str
    note: str


def rci(baseline: float, latest: float, sd: float, reliability: float) -> float:
    """(latest − baseline) / (√2 · SD · √(1 − r))."""
    if sd <= 0 or not 0 <= reliability < 1:
        raise ValueError("SD must be positive and reliability in [0, 1).")
    return (latest - baseline) / (math.sqrt(2) * sd * math.sqrt(1 - reliability))


def classify(value: float) -> str:
    """Reliable change beyond ±1.96 (clinical reference §1b: |RC| > 1.96)."""
    if value < -RELIABLE:
        return "reliable-improvement"
    if value > RELIABLE:
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


def change(code: str, totals: list[int], *, sex: str | None = None) -> Change:
    """Reliable change from the first to the last of `totals` (oldest first)."""
    norms = NORMS.get(code)
    baseline = totals[0] if totals else None
    latest = totals[-1] if totals else None
    if norms is None:
        return Change(
            baseline,
            latest,
            None,
            None,
            None,
            "not-computed",
            "",
            "",
            "No published SD and reliability are on record for this instrument.",
        )
    norm = norms.norm_for(sex)
    if norm is None:
        return Change(
            baseline, latest, None, None, None, "not-computed", "", "", norms.not_computed
        )
    if len(totals) < 2:
        return Change(
            baseline,
            latest,
            norm.sd,
            norm.reliability,
            None,
            "not-computed",
            "",
            norm.source,
            "Reliable change needs a baseline and a later score.",
        )
    baseline, latest = totals[0], totals[-1]
    value = rci(baseline, latest, norm.sd, norm.reliability)
    kind = classify(value)
    significance = (
        clinical_significance(kind, baseline, latest, norms.cutoff)
        if norms.cutoff is not None
        else ""
    )
    return Change(
        baseline,
        latest,
        norm.sd,
        norm.reliability,
        round(value, 2),
        kind,
        significance,
        norm.source,
        f"SD: {norm.sd_basis}; r: {norm.reliability_basis}.",
    )
