"""Reads of case management shared by the chart tab, the Schedule tab and the directory."""

from django.db.models import Prefetch, Q, QuerySet

from casemanagement.models import (
    Barrier,
    ChangeRequestStatus,
    Resource,
    ResourceReferral,
    ScheduleChangeRequest,
)
from participants.models import Participant


def directory(organization_id: int) -> QuerySet[Resource]:
    """The resources a program's staff may refer to: national ones and its own."""
    return Resource.objects.filter(
        Q(organization__isnull=True) | Q(organization_id=organization_id), is_active=True
    ).order_by("kind", "name")


def barriers_for(participant: Participant) -> list[Barrier]:
    """Barriers, open ones first, each with its schedule change requests."""
    rows = list(
        Barrier.objects.filter(participant=participant)
        .select_related("owner")
        .prefetch_related(
            Prefetch(
                "change_requests",
                queryset=ScheduleChangeRequest.objects.select_related(
                    "requested_by", "answered_by"
                ).order_by("created_at"),
            )
        )
        .order_by("created_at", "pk")
    )
    return sorted(rows, key=lambda b: not b.is_open)


def referrals_for(participant: Participant) -> list[ResourceReferral]:
    return list(
        ResourceReferral.objects.filter(participant=participant)
        .select_related("resource", "owner", "barrier", "outcome_by")
        .order_by("-made_on", "-pk")
    )


def open_change_requests(participant: Participant) -> list[ScheduleChangeRequest]:
    """Change requests waiting for the scheduler, for the participant's Schedule tab."""
    return list(
        ScheduleChangeRequest.objects.filter(
            participant=participant, status=ChangeRequestStatus.OPEN
        )
        .select_related("barrier", "requested_by")
        .order_by("created_at", "pk")
    )
