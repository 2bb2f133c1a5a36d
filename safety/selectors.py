"""Reads of safety plans: the confirmed one in force, the open draft, the history."""

from django.db.models import Max, Q, Subquery

from safety.models import SafetyPlan


def confirmed_plan(participant) -> SafetyPlan | None:
    """The newest confirmed version: what the participant sees and what a crisis shows."""
    return (
        SafetyPlan.objects.current()
        .filter(participant=participant, signed_at__isnull=False)
        .select_related("signed_by")
        .order_by("-number")
        .first()
    )


def draft_of(participant, *, for_update: bool = False) -> SafetyPlan | None:
    rows = SafetyPlan.objects.current().filter(participant=participant, signed_at__isnull=True)
    if for_update:
        rows = rows.select_for_update()
    return rows.first()


def confirmed_and_draft(participant) -> tuple[SafetyPlan | None, SafetyPlan | None]:
    """The confirmed plan in force and the open draft, read together in one query for the
    chart's summary, which says both."""
    current = SafetyPlan.objects.current().filter(participant=participant)
    newest = current.filter(signed_at__isnull=False).order_by("-number").values("pk")[:1]
    rows = list(
        current.filter(Q(signed_at__isnull=True) | Q(pk=Subquery(newest))).select_related(
            "signed_by"
        )
    )
    confirmed = next((plan for plan in rows if plan.signed_at is not None), None)
    draft = next((plan for plan in rows if plan.signed_at is None), None)
    return confirmed, draft


def next_number(participant) -> int:
    """The number a new draft takes; a version entered in error keeps its own."""
    last = SafetyPlan.objects.filter(participant=participant).aggregate(n=Max("number"))["n"]
    return (last or 0) + 1


def numbered(participant, number: int) -> SafetyPlan | None:
    """The version a form was opened on, whatever has happened to it since."""
    return SafetyPlan.objects.current().filter(participant=participant, number=number).first()


def history(participant) -> list[SafetyPlan]:
    return list(
        SafetyPlan.objects.filter(participant=participant, signed_at__isnull=False)
        .select_related("signed_by")
        .order_by("-number")
    )
