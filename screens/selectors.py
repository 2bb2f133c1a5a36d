"""Reads shared by the drug-screens tab, the API and the chart header, in fixed queries."""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import F, OuterRef, Prefetch, Q, Subquery
from django.utils import timezone

from medications.models import Medication
from participants.access import caseload, holds_caseload, organizations_with, viewable
from participants.models import Participant
from participants.selectors import read_on_participant
from screens.models import (
    FINDINGS,
    REVIEWS_RESULTS,
    TAMPERED,
    Confirmation,
    DrugScreen,
    Flag,
    Panel,
    Result,
    ScreenResult,
    UseReport,
)
from tandem.hooks import Hook

REVIEW_PAGE_SIZE = 10


def _with_results(rows):
    return rows.select_related(
        "panel", "collected_by", "recorded_by", "review", "review__recorded_by"
    ).prefetch_related(
        Prefetch(
            "results", queryset=ScreenResult.objects.select_related("analyte", "screen__panel")
        )
    )


def screens_for(participant) -> list[DrugScreen]:
    rows = DrugScreen.objects.current().filter(participant=participant)
    return list(_with_results(rows).order_by("-collected_at", "-id"))


def one_screen(pk: int) -> DrugScreen:
    return _with_results(DrugScreen.objects.filter(pk=pk)).get()


def finding_flags(screen: DrugScreen) -> list[str]:
    """The kinds of unexpected result a screen has, by name, a tampered specimen's difference
    from the self-report among them (for the review's audit event)."""
    rows = ScreenResult.objects.filter(screen=screen, flag__in=FINDINGS)
    flags = set(rows.values_list("flag", flat=True))
    if screen.self_report_discordance:
        flags.add(Flag.SELF_REPORT_DISCORDANT)
    return sorted(flags)


@dataclass(frozen=True)
class ToReview:
    """A screen waiting for review, with its unexpected results."""

    screen: DrugScreen
    findings: list[ScreenResult]

    @property
    def participant(self) -> Participant:
        return self.screen.participant

    def summary(self) -> list[str]:
        """Each kind of unexpected result with its analytes: "Unexpected negative: Buprenorphine";
        a tampered specimen first, read once for the whole specimen, with its difference from
        the self-report."""
        kinds: dict[str, list[str]] = {}
        for r in analyte_findings(self.findings):
            kinds.setdefault(r.get_flag_display(), []).append(r.analyte.name)
        specimen = [self.screen.specimen_reading, self.screen.self_report_reading]
        return [reading for reading in specimen if reading] + [
            f"{kind}: {', '.join(names)}" for kind, names in kinds.items()
        ]


def analyte_findings(results: Iterable[ScreenResult]) -> list[ScreenResult]:
    """A screen's findings to name analyte by analyte: all but those of a tampered specimen,
    which its specimen reading states once for the whole specimen."""
    return [r for r in results if r.is_finding and r.flag != Flag.TAMPERED_SPECIMEN]


def to_review_page(user, number: str | None) -> Page:
    """One page of the screens that `DrugScreen.needs_review` names (`needing_review()`), on
    the user's own caseload, oldest first, in the organizations where they may review results
    (`ToReview` rows). Read as those screens' results in one query, every screen decided by
    the policy before paging, so each page is full and the count is what they may act on.
    Someone with no clinical role (a director) has no caseload: their empty page is made
    without building the query, which cost the director's home more than the panel shows."""
    if not holds_caseload(user):
        return Paginator([], REVIEW_PAGE_SIZE).get_page(number)
    episodes = caseload(user).filter(
        participant__organization_id__in=organizations_with(user, REVIEWS_RESULTS)
    )
    waiting = DrugScreen.objects.needing_review().filter(
        participant_id__in=episodes.values("participant_id")
    )
    results = (
        ScreenResult.objects.filter(screen__in=waiting)
        .select_related("screen__participant", "analyte")
        .order_by("screen__collected_at", "screen_id", "analyte__order", "analyte__code")
    )
    rows: dict[int, ToReview] = {}
    for result in results:
        row = rows.setdefault(result.screen_id, ToReview(result.screen, []))
        if result.is_finding:
            row.findings.append(result)
    return Paginator(viewable(user, rows.values()), REVIEW_PAGE_SIZE).get_page(number)


def has_caseload(user) -> bool:
    """Whether anyone is on the user's own caseload, the only participants the panel lists."""
    return holds_caseload(user) and caseload(user).exists()


def active_panels(*organization_ids: int) -> list[Panel]:
    """The panels a new screen of these organizations' participants may be recorded on: the
    shared ones and their own, not retired; with their analytes, in two queries however
    many."""
    rows = Panel.objects.usable_by(*organization_ids).filter(is_active=True)
    return list(
        rows.select_related("organization").prefetch_related("analytes").order_by("name", "id")
    )


def usable_panel(organization_id: int, **lookup: Any) -> Panel | None:
    """One panel a new screen may be recorded on, by public id or code: another
    organization's or a retired one is None, as one that does not exist."""
    rows = Panel.objects.usable_by(organization_id).filter(is_active=True, **lookup)
    return rows.prefetch_related("analytes").first()


def panels_in_use(organization_ids: Iterable[int]) -> list[Panel]:
    """The settings page's list: the shared panels, then each organization's own, retired
    ones last; with their analytes."""
    rows = Panel.objects.filter(
        Q(organization__isnull=True) | Q(organization_id__in=list(organization_ids))
    )
    return list(
        rows.prefetch_related("analytes").order_by(
            F("organization_id").asc(nulls_first=True), "-is_active", "name", "id"
        )
    )


def medication_codes_on(participant, day: date) -> set[str]:
    """Codes of the medications on the list that day (named-only entries have no code)."""
    return {
        m.code
        for m in Medication.objects.current().filter(participant=participant).exclude(code="")
        if m.taken_on(day)
    }


def previous_collection(participant, before: datetime) -> datetime | None:
    return (
        DrugScreen.objects.current()
        .filter(participant=participant, collected_at__lt=before)
        .order_by("-collected_at")
        .values_list("collected_at", flat=True)
        .first()
    )


@dataclass(frozen=True)
class KnownUse:
    on: date
    source: str


@dataclass(frozen=True)
class UseSource:
    """Where a last known use comes from: `values()` are expressions on the participant's
    row (`OuterRef("pk")` is the participant), `read(values)` the use they show, if any."""

    key: str
    values: Callable[[], Mapping[str, Any]]
    read: Callable[[Mapping[str, Any]], KnownUse | None]


# Other modules (the daily check-in) add their `UseSource`.
USE_SOURCES: Hook[UseSource] = Hook("screens.use_sources", key=lambda source: source.key)


def reads_as_use(prefix: str = "") -> Q:
    """The results that show use, on `ScreenResult` rows reached through `prefix`: an
    unexplained positive not confirmed negative, or any result of an adulterated or substituted
    specimen, a presumptive positive (clinical reference §10, ASAM). Read from the specimen's
    recorded validity, so a tampered screen stored before its own flag existed reads the same."""
    return (
        Q(**{f"{prefix}flag__in": [Flag.UNEXPECTED_POSITIVE, Flag.SELF_REPORT_DISCORDANT]})
        & ~Q(**{f"{prefix}confirmation": Confirmation.NEGATIVE})
    ) | Q(**{f"{prefix}screen__validity__in": TAMPERED})


def _screen_values() -> dict[str, Any]:
    latest = ScreenResult.objects.filter(
        reads_as_use(),
        screen__participant=OuterRef("pk"),
        screen__entered_in_error_at__isnull=True,
    ).order_by("-screen__collected_at", "-pk")
    return {
        name: Subquery(latest.values(field)[:1])
        for name, field in (
            ("at", "screen__collected_at"),
            ("method", "screen__method"),
            ("result", "result"),
            ("confirmation", "confirmation"),
            ("validity", "screen__validity"),
        )
    }


def _screen_use(values: Mapping[str, Any]) -> KnownUse | None:
    if values["at"] is None:
        return None
    row = ScreenResult(
        screen=DrugScreen(method=values["method"]),
        result=values["result"],
        confirmation=values["confirmation"],
    )
    if values["validity"] in TAMPERED:
        kind = f"{values['validity']} specimen, presumptive positive"
    else:
        kind = "presumptive drug screen" if row.presumptive else "drug screen"
    return KnownUse(timezone.localdate(values["at"]), kind)


def _clinician_values() -> dict[str, Any]:
    latest = UseReport.objects.current().filter(participant=OuterRef("pk"))
    return {"on": Subquery(latest.order_by("-last_used_on", "-id").values("last_used_on")[:1])}


def _clinician_use(values: Mapping[str, Any]) -> KnownUse | None:
    return KnownUse(values["on"], "clinician entry") if values["on"] else None


def _use_sources() -> list[UseSource]:
    return [
        UseSource("screens", _screen_values, _screen_use),
        UseSource("clinician", _clinician_values, _clinician_use),
        *USE_SOURCES.implementations(),
    ]


def last_use_values() -> dict[str, Any]:
    """Every source's expressions, for the chart header's one query (`last_use_from`)."""
    return {
        f"{i}_{name}": expression
        for i, source in enumerate(_use_sources())
        for name, expression in source.values().items()
    }


def last_use_from(values: Mapping[str, Any]) -> KnownUse | None:
    """The latest known use from every source: screens, clinician entries, self-reports."""
    found = []
    for i, source in enumerate(_use_sources()):
        prefix = f"{i}_"
        own = {k.removeprefix(prefix): v for k, v in values.items() if k.startswith(prefix)}
        if use := source.read(own):
            found.append(use)
    return max(found, key=lambda u: u.on) if found else None


def last_known_use(participant) -> KnownUse | None:
    """`last_use_from` every source, in one query."""
    [values] = read_on_participant(participant, [last_use_values])
    return last_use_from(values)


def readings(screen: DrugScreen) -> list[dict]:
    """The API's `interpretation` list of a screen."""
    return [
        {
            "analyte": r.analyte.code,
            "result": r.standing_result,
            "flag": r.flag or None,
            "presumptive": r.presumptive,
            "why": r.flag_reason,
        }
        for r in screen.results.all()
    ]


@dataclass(frozen=True)
class GlanceCell:
    """One analyte of one screen as the at-a-glance table writes it: the mark, the reading in
    words (for its title and for screen readers) and how it reads against the medications."""

    mark: str
    words: str
    tone: str  # "warning" for a finding, "info" for an expected positive, "" otherwise


@dataclass(frozen=True)
class GlanceRow:
    screen: DrugScreen
    cells: list[GlanceCell | None]  # None: the analyte was not on this screen's panel


@dataclass(frozen=True)
class Glance:
    analytes: list[tuple[str, str]]  # the columns: each analyte's code (its heading) and name
    rows: list[GlanceRow]


# The marks, said again in the table's legend.
POSITIVE_MARK, NEGATIVE_MARK, INVALID_MARK = "+", "−", "?"


def at_a_glance(screens: list[DrugScreen]) -> Glance:
    """Every screen as a row and every analyte as a column, from what the tab already read
    (no query): a pattern over weeks (a positive that keeps coming back, an expected one that
    stopped) that reading each screen's own table one by one does not show."""
    columns: dict[str, str] = {}
    for screen in screens:
        for r in screen.results.all():
            columns.setdefault(r.analyte.code, r.analyte.name)
    codes = list(columns)
    rows = []
    for screen in screens:
        by_code = {r.analyte.code: r for r in screen.results.all()}
        rows.append(GlanceRow(screen, [_cell(by_code.get(code)) for code in codes]))
    return Glance(list(columns.items()), rows)


_MARKS: dict[str, str] = {Result.POSITIVE: POSITIVE_MARK, Result.NEGATIVE: NEGATIVE_MARK}


def _cell(r: ScreenResult | None) -> GlanceCell | None:
    if r is None:
        return None
    if r.has_confirmation:
        words = r.get_confirmation_display()
    else:
        words = r.get_result_display() + (" (presumptive)" if r.presumptive else "")
        if r.sent_for_confirmation:
            words += "; sent for confirmation"
    if r.flag:
        words += f"; {r.get_flag_display()}"
    mark = _MARKS.get(r.standing_result, INVALID_MARK) + ("p" if r.presumptive else "")
    tone = "warning" if r.is_finding else "info" if r.flag_is_expected else ""
    return GlanceCell(mark, words, tone)
