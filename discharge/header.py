"""What the chart's header learns from a discharge: its date and type, and a medication gap."""

from collections.abc import Mapping
from typing import Any

from django.db.models import OuterRef, Subquery
from django.urls import reverse

from discharge.models import Aftercare, Discharge
from discharge.types import DischargeType
from participants.chart import HeaderFlag
from tandem.templatetags.clock import day

_TYPES = dict(DischargeType.choices)


def header_values() -> dict[str, Any]:
    """The participant's latest discharge in force, as expressions for the chart header's
    one query: its date (`on`), its type and its aftercare's medication facts."""
    latest = (
        Discharge.objects.current()
        .filter(participant=OuterRef("pk"))
        .order_by("-discharged_on", "-pk")
    )
    return {
        name: Subquery(latest.values(field)[:1])
        for name, field in (
            ("on", "discharged_on"),
            ("type", "type"),
            ("on_moud", "aftercare__on_moud"),
            ("next_prescriber", "aftercare__next_prescriber"),
        )
    }


def header_flags(participant, values: Mapping[str, Any]) -> list[HeaderFlag]:
    """ "Discharged" with its type, and a medication gap in red."""
    if values["on"] is None:
        return []
    url = reverse("discharge:tab", args=[participant.public_id])
    flags = [
        HeaderFlag(
            f"Discharged {day(values['on'])}: {_TYPES.get(values['type'], values['type'])}",
            "info",
            url,
        )
    ]
    aftercare = Aftercare(
        on_moud=bool(values["on_moud"]), next_prescriber=values["next_prescriber"] or ""
    )
    if aftercare.moud_gap:
        flags.append(HeaderFlag("Medication gap: no next prescriber for MOUD", "danger", url))
    return flags
