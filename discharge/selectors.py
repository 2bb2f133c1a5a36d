"""Reads the discharge pages and the API share, each in a fixed number of queries."""

from django.db.models import QuerySet

from discharge.models import Discharge, FollowUp


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
