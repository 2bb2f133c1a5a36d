"""Reads of the auditor's pages that rest on the access policy's records."""

from accounts.models import Organization
from participants.models import BreakGlassGrant


def organization_names(organization_ids: list[int]) -> dict[int, str]:
    """The names the trail gives each organization's chain of events."""
    return dict(Organization.objects.filter(pk__in=organization_ids).values_list("pk", "name"))


def break_glass_to_review(organization_ids: list[int]) -> list[BreakGlassGrant]:
    return list(
        BreakGlassGrant.objects.filter(
            participant__organization_id__in=organization_ids, reviewed_at__isnull=True
        )
        .select_related("user", "participant")
        .order_by("-created_at")
    )
