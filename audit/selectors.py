"""The auditor's queries over the trail."""

from datetime import datetime, time, timedelta

from django.db.models import QuerySet
from django.utils import timezone

from audit.models import AuditEvent
from participants.models import BreakGlassGrant


def filter_events(organization_ids: list[int], data: dict, *, limit: int = 200) -> list[AuditEvent]:
    qs: QuerySet[AuditEvent] = AuditEvent.objects.select_related("participant", "break_glass")
    if data.get("record_number"):
        qs = qs.filter(
            participant__record_number__iexact=data["record_number"].strip(),
            participant__organization_id__in=organization_ids,
        )
    if data.get("username"):
        qs = qs.filter(actor_label__iexact=data["username"].strip())
    if data.get("action"):
        qs = qs.filter(action=data["action"])
    if data.get("outcome"):
        qs = qs.filter(outcome=data["outcome"])
    if data.get("break_glass_only"):
        qs = qs.filter(break_glass__isnull=False)
    tz = timezone.get_current_timezone()
    if data.get("start"):
        qs = qs.filter(occurred_at__gte=datetime.combine(data["start"], time.min, tzinfo=tz))
    if data.get("end"):
        end = datetime.combine(data["end"] + timedelta(days=1), time.min, tzinfo=tz)
        qs = qs.filter(occurred_at__lt=end)
    return list(qs.order_by("-seq")[:limit])


def break_glass_to_review(organization_ids: list[int]) -> list[BreakGlassGrant]:
    return list(
        BreakGlassGrant.objects.filter(
            participant__organization_id__in=organization_ids, reviewed_at__isnull=True
        )
        .select_related("user", "participant")
        .order_by("-created_at")
    )
