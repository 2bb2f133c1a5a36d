"""Each analyte of a drug screen read against the medication list and the self-report.

One flag per analyte (stored with the result and shown on the chart and in the API):

- `invalid`: the analyte could not be read, or it is a negative on a dilute specimen, which
  does not rule use out (§10 rule 2; 49 CFR 40.88).
- `tampered-specimen`: the specimen was adulterated or substituted, so every analyte read is
  a presumptive positive, treated as use until shown otherwise (§10 specimen validity:
  "Tampered = presumptive positive", ASAM), whatever its own result.
- `expected-positive`: positive, and a medication on the list that day explains it (§10 rule 1).
- `self-report-discordant`: positive, unexplained, and every self-report since the last
  screen said no use (§10 rule 4: flag for the clinician; no confrontation).
- `unexpected-positive`: positive and unexplained (§10 rule 3: presumptive until confirmed;
  cross-reacting medications on the list are named).
- `unexpected-negative`: negative, while a listed medication the assay detects is on the
  list that day (§10 rule 2: adherence, timing, dilution or an assay blind to the drug).
- `None`: nothing to flag.

A confirmation by mass spectrometry replaces the immunoassay result it confirms, but not a
tampered specimen's reading: §10 reads a tampered specimen as a presumptive positive and names
nothing that clears it, and the lab confirms on that same specimen, so its analytes keep
`tampered-specimen` whatever the confirmation says.

A tampered specimen is a presumptive positive, so when every self-report since the last screen
said no use it is discordant with them (§10 rule 4), said once for the whole specimen
(`specimen_discordance`) as its presumptive positive is.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from screens import detection
from screens.self_report import SelfReport

EXPECTED_POSITIVE = "expected-positive"
UNEXPECTED_POSITIVE = "unexpected-positive"
UNEXPECTED_NEGATIVE = "unexpected-negative"
SELF_REPORT_DISCORDANT = "self-report-discordant"
INVALID = "invalid"
TAMPERED_SPECIMEN = "tampered-specimen"
FLAGS = (
    EXPECTED_POSITIVE,
    UNEXPECTED_POSITIVE,
    UNEXPECTED_NEGATIVE,
    SELF_REPORT_DISCORDANT,
    INVALID,
    TAMPERED_SPECIMEN,
)
FLAG_LABELS = {
    EXPECTED_POSITIVE: "Expected positive",
    UNEXPECTED_POSITIVE: "Unexpected positive",
    UNEXPECTED_NEGATIVE: "Unexpected negative",
    SELF_REPORT_DISCORDANT: "Differs from self-report",
    INVALID: "Invalid",
    TAMPERED_SPECIMEN: "Presumptive positive (tampered specimen)",
}

POSITIVE = "positive"
NEGATIVE = "negative"
NOT_READABLE = "invalid"

VALID = "valid"
DILUTE = "dilute"
ADULTERATED = "adulterated"
SUBSTITUTED = "substituted"
NOT_CHECKED = "not-checked"
TAMPERED = frozenset({ADULTERATED, SUBSTITUTED})


def specimen_reading(validity: str) -> str | None:
    """The reading of the specimen as a whole, when its validity decides it: an adulterated or
    substituted specimen is a presumptive positive (clinical reference §10, ASAM)."""
    if validity not in TAMPERED:
        return None
    return (
        f"Presumptive positive: the specimen was {validity} (clinical reference §10, ASAM); "
        "treated as use until shown otherwise."
    )


def specimen_discordance(validity: str, self_report: SelfReport | None) -> str:
    """Why a tampered specimen differs from the self-reports since the last screen (§10 rule
    4: flag it for the clinician), or "" when it is not tampered or someone reported use."""
    if validity not in TAMPERED or self_report is None or self_report.any_use:
        return ""
    return (
        f"No use reported in {self_report.reports} {self_report.source} since the last screen, "
        f"and the specimen was {validity} (a presumptive positive)."
    )


@dataclass(frozen=True)
class Reading:
    analyte: str
    result: str
    flag: str | None
    why: str


def read_analyte(
    analyte: str,
    result: str,
    *,
    validity: str,
    medication_codes: set[str],
    self_report: SelfReport | None,
) -> Reading:
    """The flag for one analyte, with the reason in words (which medication, which source)."""
    if result == NOT_READABLE:
        return Reading(analyte, result, INVALID, "The analyte could not be read.")
    if validity in TAMPERED:
        return Reading(
            analyte,
            result,
            TAMPERED_SPECIMEN,
            f"The specimen was {validity}: a presumptive positive whatever this result "
            "(clinical reference §10, ASAM).",
        )
    if result == POSITIVE:
        explained = detection.explaining(medication_codes, analyte)
        if explained:
            return Reading(analyte, result, EXPECTED_POSITIVE, explained[0].source)
        crossing = detection.cross_reacting(medication_codes, analyte)
        note = (
            " Listed medications reported to cross-react: "
            + "; ".join(s.source for s in crossing)
            + "."
            if crossing
            else ""
        )
        if self_report is not None and not self_report.any_use:
            return Reading(
                analyte,
                result,
                SELF_REPORT_DISCORDANT,
                f"No use reported in {self_report.reports} {self_report.source} since the "
                f"last screen.{note}",
            )
        return Reading(
            analyte, result, UNEXPECTED_POSITIVE, f"No listed medication explains it.{note}"
        )
    if validity == DILUTE:
        return Reading(analyte, result, INVALID, "A negative on a dilute specimen.")
    expected = detection.expected_on(medication_codes, analyte)
    if expected:
        return Reading(analyte, result, UNEXPECTED_NEGATIVE, expected[0].source)
    return Reading(analyte, result, None, "")


def read_screen(
    results: Iterable[tuple[str, str]],
    *,
    validity: str,
    medication_codes: set[str],
    self_report: SelfReport | None,
) -> list[Reading]:
    return [
        read_analyte(
            analyte,
            result,
            validity=validity,
            medication_codes=medication_codes,
            self_report=self_report,
        )
        for analyte, result in results
    ]
