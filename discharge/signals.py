"""What the rest of the record learns from a discharge: header flags on the chart, and a
readmission signal when a discharged participant is referred again."""

from collections.abc import Mapping
from typing import Any

from django.db.models import OuterRef, Subquery
from django.urls import reverse

from discharge.models import Aftercare, Discharge, ReadmissionSignal
from discharge.types import DischargeType
from participants.chart import HeaderFlag

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
            f"Discharged {values['on'].isoformat()}: {_TYPES.get(values['type'], values['type'])}",
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


def re_referral(sender, instance, created: bool, **kwargs) -> None:
    """A new episode for someone discharged before is a readmission signal on that discharge."""
    if not created:
        return
    record = (
        Discharge.objects.current()
        .filter(participant_id=instance.participant_id)
        .exclude(episode_id=instance.pk)
        .order_by("-discharged_on", "-pk")
        .first()
    )
    if record is None:
        return
    ReadmissionSignal.objects.get_or_create(
        discharge=record,
        participant_id=instance.participant_id,
        kind=ReadmissionSignal.Kind.RE_REFERRAL,
        source_id=str(instance.public_id),
        defaults={"noticed_on": instance.referred_on},
    )
