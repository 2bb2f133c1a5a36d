"""Reads of the auditor's pages that rest on the access policy's records."""

from participants.models import BreakGlassGrant


def break_glass_to_review(organization_ids: list[int]) -> list[BreakGlassGrant]:
    return list(
        BreakGlassGrant.objects.filter(
            participant__organization_id__in=organization_ids, reviewed_at__isnull=True
        )
        .select_related("user", "participant")
        .order_by("-created_at")
    )
