"""What the rest of the record learns from a discharge: header flags on the chart, and a
readmission signal when a discharged participant is referred again."""

from django.urls import reverse

from audit.models import Action
from discharge.models import Discharge, ReadmissionSignal
from participants.access import Scope, decide
from participants.chart import HeaderFlag


def header_flags(participant, user) -> list[HeaderFlag]:
    """ "Discharged" with its type, and a medication gap in red."""
    if not decide(user, participant, Action.VIEW, Scope.AFTERCARE).allowed:
        return []
    record = (
        Discharge.objects.current()
        .filter(participant=participant)
        .select_related("aftercare")
        .order_by("-discharged_on", "-pk")
        .first()
    )
    if record is None:
        return []
    url = reverse("discharge:tab", args=[participant.public_id])
    flags = [
        HeaderFlag(
            f"Discharged {record.discharged_on.isoformat()}: {record.get_type_display()}",
            "info",
            url,
        )
    ]
    if record.aftercare.moud_gap:
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
