"""Reads shared by the drug-screens tab, the API and the chart header, in fixed queries."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db.models import Prefetch

from medications.models import Medication
from screens.models import DrugScreen, Flag, Panel, ScreenResult, UseReport
from tandem.hooks import Hook


def _with_results(rows):
    return rows.select_related("panel", "collected_by", "recorded_by").prefetch_related(
        Prefetch(
            "results", queryset=ScreenResult.objects.select_related("analyte", "screen__panel")
        )
    )


def screens_for(participant) -> list[DrugScreen]:
    rows = DrugScreen.objects.current().filter(participant=participant)
    return list(_with_results(rows).order_by("-collected_at", "-id"))


def one_screen(pk: int) -> DrugScreen:
    return _with_results(DrugScreen.objects.filter(pk=pk)).get()


def active_panels() -> list[Panel]:
    return list(Panel.objects.filter(is_active=True).prefetch_related("analytes").order_by("name"))


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


# Other modules (the daily check-in) add `provider(participant) -> KnownUse | None`.
USE_SOURCES: Hook[Callable[[Any], KnownUse | None]] = Hook("screens.use_sources")


def _from_screens(participant) -> KnownUse | None:
    row = (
        ScreenResult.objects.filter(
            screen__participant=participant,
            screen__entered_in_error_at__isnull=True,
            flag__in=[Flag.UNEXPECTED_POSITIVE, Flag.SELF_REPORT_DISCORDANT],
        )
        .exclude(confirmation="negative")
        .select_related("screen")
        .order_by("-screen__collected_at")
        .first()
    )
    if row is None:
        return None
    kind = "presumptive drug screen" if row.presumptive else "drug screen"
    return KnownUse(row.screen.collected_at.date(), kind)


def _from_clinician(participant) -> KnownUse | None:
    row = (
        UseReport.objects.current()
        .filter(participant=participant)
        .order_by("-last_used_on", "-id")
        .first()
    )
    return KnownUse(row.last_used_on, "clinician entry") if row else None


def last_known_use(participant) -> KnownUse | None:
    """The latest known use from every source: screens, clinician entries, self-reports."""
    found = [
        u
        for f in (_from_screens, _from_clinician, *USE_SOURCES.implementations())
        if (u := f(participant))
    ]
    return max(found, key=lambda u: u.on) if found else None


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
