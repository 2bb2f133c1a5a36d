"""The measurement schedule, as data: which instrument, when, and why.

A program keeps its own rows (`ProgramMeasurement.rows`, the same shape as `DEFAULT`);
without any, `DEFAULT` applies. Each row is one instrument at one kind of moment:

- `admission`: once, from admission;
- `every`: every `days` days while in care (counted from the last current administration,
  or from admission);
- `if-positive`: every `days` days while the last administration was positive;
- `triggered`: whenever a trigger fired after the last administration (PHQ-9 item 9 above
  0; a yes to the check-in's safety question);
- `step-down` / `discharge` / `follow-up`: at those moments (shown by the modules that own
  them; `discharge` reads them through `rows_for`).

The intervals follow the recall periods in the clinical reference §1a/§1b; the reference
marks re-administration intervals as recommendations, not published standards (§9).
"""

from dataclasses import asdict, dataclass

# Each kind of moment, with the words the schedule page offers it by (described above).
WHEN_WORDS = {
    "admission": "Once, at admission",
    "every": "Every so many days in care",
    "if-positive": "Every so many days while positive",
    "triggered": "When a trigger fires",
    "step-down": "At step-down",
    "discharge": "At discharge",
    "follow-up": "At follow-up",
}
WHEN = tuple(WHEN_WORDS)
TRIGGERS = ("phq-9-item-9", "checkin-safety")


@dataclass(frozen=True)
class Row:
    instrument: str
    when: str
    days: int | None = None
    triggers: tuple[str, ...] = ()
    reason: str = ""

    def to_dict(self) -> dict:
        data = asdict(self)
        data["triggers"] = list(self.triggers)
        return data

    @classmethod
    def from_dict(cls, data: dict) -> "Row":
        return cls(
            instrument=data["instrument"],
            when=data["when"],
            days=data.get("days"),
            triggers=tuple(data.get("triggers") or ()),
            reason=data.get("reason", ""),
        )


DEFAULT: tuple[Row, ...] = (
    Row("phq-9", "admission", reason="Baseline for depression severity."),
    Row(
        "phq-9",
        "every",
        14,
        reason="Every 14 days: the PHQ-9 asks about the last 2 weeks, so that is the "
        "shortest interval that does not overlap (clinical reference §1b).",
    ),
    Row("gad-7", "admission", reason="Baseline for anxiety severity."),
    Row(
        "gad-7",
        "every",
        14,
        reason="Every 14 days: the GAD-7 recall period is 2 weeks (clinical reference §1a).",
    ),
    Row("bam", "admission", reason="Baseline for use, risk and protective factors."),
    Row(
        "bam",
        "every",
        30,
        reason="Every 30 days: the BAM asks about the past 30 days (clinical reference §1a).",
    ),
    Row("pcl-5", "admission", reason="Screen for PTSD at admission (dual-diagnosis program)."),
    Row(
        "pcl-5",
        "if-positive",
        30,
        reason="Monthly while the last PCL-5 was positive: its recall period is the past "
        "month (clinical reference §1a/§1b).",
    ),
    Row(
        "cssrs-screener",
        "triggered",
        triggers=TRIGGERS,
        reason="Whenever PHQ-9 item 9 is above 0 or a check-in's safety answer is yes: "
        "every such answer needs a same-day suicide risk assessment (clinical reference §1a).",
    ),
    Row("phq-9", "discharge", reason="Change from admission to discharge."),
    Row("gad-7", "discharge", reason="Change from admission to discharge."),
    Row("bam", "discharge", reason="Use, risk and protective factors at discharge."),
    Row("phq-9", "follow-up", reason="Outcome after discharge."),
    Row("bam", "follow-up", reason="Use after discharge."),
)


def check_rows(rows: list[dict]) -> list[str]:
    """Problems with a program's rows (empty when they are fine)."""
    from assessments.selectors import definition

    problems = []
    for index, data in enumerate(rows, start=1):
        try:
            row = Row.from_dict(data)
        except (KeyError, TypeError):
            problems.append(f"Row {index}: needs an instrument and a moment.")
            continue
        if definition(row.instrument) is None:
            problems.append(f"Row {index}: no instrument has the code {row.instrument!r}.")
        if row.when not in WHEN:
            problems.append(f"Row {index}: the moment must be one of {', '.join(WHEN)}.")
        if row.when in ("every", "if-positive") and not (
            isinstance(row.days, int) and 1 <= row.days <= 365
        ):
            problems.append(f"Row {index}: give the interval in days (1-365).")
        if row.when == "triggered" and not (row.triggers and set(row.triggers) <= set(TRIGGERS)):
            problems.append(f"Row {index}: name what triggers it ({', '.join(TRIGGERS)}).")
        if not row.reason.strip():
            problems.append(f"Row {index}: say why (the reason shows with what is due).")
    return problems
