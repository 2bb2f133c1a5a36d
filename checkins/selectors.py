"""Reads of check-ins shared by the pages, the API and the trajectory."""

from collections.abc import Callable
from datetime import datetime

from django.utils import timezone
from django_stubs_ext import StrOrPromise

from checkins import lists
from checkins.models import CheckIn
from participants.models import Participant

# A choice offered on the form: its code and its (possibly lazily translated) label.
Choice = tuple[str, StrOrPromise]


def last_checkin(participant: Participant) -> CheckIn | None:
    return (
        CheckIn.objects.current().filter(participant=participant).order_by("-recorded_at").first()
    )


def checked_in_today(last: CheckIn | None, now: datetime) -> datetime | None:
    """When `last` was sent, if on `now`'s day in the active zone (the program's, for each
    request). A second check-in is allowed, so the pages say the day's is done and offer
    another rather than refusing it."""
    if last is None or timezone.localdate(last.recorded_at) != timezone.localdate(now):
        return None
    return last.recorded_at


def coping_choices(participant: Participant) -> list[Choice]:
    """The coping skills offered: the participant's plan's, when a provider gives them."""
    for provider in COPING_PROVIDERS:
        choices = provider(participant)
        if choices:
            return list(choices)
    return list(lists.COPING)


# A module appends `provider(participant) -> [(code, label)] | None`; the plan's is below.
COPING_PROVIDERS: list[Callable[[Participant], list[Choice] | None]] = []

PLAN_PREFIX = "plan:"


def plan_coping(participant: Participant) -> list[Choice] | None:
    """The skills of the participant's signed plan in force, then the program's list.

    A plan has no coping-skills list of its own, so the skills offered are the modalities of
    its interventions (what the participant practises in care: "DBT skills", "Relapse
    prevention"), coded by the modality's public id so a renamed or retired modality still
    reads back; the program's list follows, as a plan rarely names every skill. None when
    there is no signed plan (the program's list alone is offered).
    """
    from django.utils.translation import gettext as _

    from plans.models import Intervention
    from plans.selectors import plan_in_force

    plan = plan_in_force(participant)
    if plan is None:
        return None
    modalities = {
        i.modality.public_id: i.modality.name
        for i in Intervention.objects.filter(plan=plan)
        .select_related("modality")
        .order_by("order", "pk")
    }
    from_plan = [
        (f"{PLAN_PREFIX}{pk}", _("%(skill)s (from my plan)") % {"skill": name})
        for pk, name in modalities.items()
    ]
    return [*from_plan, *lists.COPING] if from_plan else None
