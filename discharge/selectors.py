"""Reads the discharge pages and the API share, each in a fixed number of queries."""

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from discharge.models import REACHED_STATUSES, Discharge, FollowUp, FollowUpStatus
from participants.access import may, organizations_of
from participants.models import CareTeamMember


def latest_discharge(participant) -> Discharge | None:
    return (
        Discharge.objects.current()
        .filter(participant=participant)
        .select_related("episode__program", "decided_by", "aftercare", "consent")
        .order_by("-discharged_on", "-pk")
        .first()
    )


def follow_ups_of(participant) -> QuerySet[FollowUp]:
    return (
        FollowUp.objects.filter(participant=participant)
        .select_related("answers", "called_by")
        .order_by("due_on", "pk")
    )


def call_list(user) -> QuerySet[FollowUp]:
    """Follow-ups waiting for a call that this staff member works: the whole organization
    for oversight, else the participants whose care team at discharge they were on. Longest
    waiting first, then by id, so the list pages the same way on every read. The care-team
    test is a subquery, not a join, so no row repeats and a page needs no DISTINCT sort."""
    orgs = [org for org in organizations_of(user) if may(user, "follow_up.call", org)]
    everyone = [org for org in orgs if may(user, "follow_up.call_all", org)]
    mine = Exists(
        CareTeamMember.objects.filter(
            episode_id=OuterRef("discharge__episode_id"),
            user=user,
            ended_on=OuterRef("discharge__discharged_on"),
        ).filter(CareTeamMember.ended_with_the_stay())
    )
    return (
        FollowUp.objects.filter(
            Q(organization_id__in=everyone) | (Q(organization_id__in=orgs) & mine),
            status=FollowUpStatus.TO_CALL,
        )
        .select_related("participant", "discharge__consent")
        .order_by("due_on", "pk")
    )


def reach_rates(organization_ids: list[int], *, today) -> list[dict]:
    """Per follow-up day: how many were due (opted-out ones left out), how many reached
    (answered, or reached by phone), and the share reached; one query."""
    rows = (
        FollowUp.objects.filter(organization_id__in=organization_ids, due_on__lte=today)
        .exclude(status=FollowUpStatus.STOPPED)
        .values("day")
        .annotate(
            # Counting `day` (never empty), not the id: the reach index holds every column
            # read, so no table row is visited.
            due=Count("day"),
            reached=Count("day", filter=Q(status__in=REACHED_STATUSES)),
        )
        .order_by("day")
    )
    return [
        {**row, "rate": round(row["reached"] / row["due"], 3) if row["due"] else None}
        for row in rows
    ]
