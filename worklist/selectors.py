"""Reads of the worklist shared by the home page, the task pages and other modules."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Q, QuerySet

from participants.access import may, organizations_of, staff_roles, viewable
from participants.models import Participant
from worklist.models import Task, TaskStatus

OVERSEE = "worklist.oversee"
HOME_TASKS = 15  # the open tasks the home lists


def is_staff_member(user) -> bool:
    return bool(staff_roles(user))


def overseen_organizations(user) -> list[int]:
    """Organizations where the user sees everyone's tasks (directors and supervisors)."""
    return [org for org in organizations_of(user) if may(user, OVERSEE, org)]


def _listed(qs: QuerySet[Task]) -> QuerySet[Task]:
    return qs.select_related("participant", "owner").order_by("due_on", "pk")


def mark_overdue(tasks: list[Task], today: date) -> list[Task]:
    """Flag each task past its due date, for the rows that show it."""
    for task in tasks:
        task.overdue = task.is_open and task.due_on < today
    return tasks


def open_tasks_for_participant(participant: Participant) -> list[Task]:
    """Open tasks about a participant (discharge closes or hands each of them over)."""
    return list(_listed(Task.objects.filter(participant=participant, status=TaskStatus.OPEN)))


def tasks_for_participant(participant: Participant, *, today: date) -> list[Task]:
    """Every task about a participant: open ones first, soonest due first."""
    tasks = list(
        Task.objects.filter(participant=participant)
        .select_related("owner", "closed_by")
        .order_by("-status", "due_on", "pk")
    )
    tasks.sort(key=lambda t: (not t.is_open, t.due_on if t.is_open else date.min, t.pk))
    return mark_overdue(tasks, today)


def tasks_for_source(record) -> list[Task]:
    """Tasks a record made (a referral's verification tasks), oldest first."""
    from worklist.services import source_of

    source_type, source_id = source_of(record)
    return list(
        Task.objects.filter(source_type=source_type, source_id=source_id)
        .select_related("owner", "closed_by")
        .order_by("created_at", "pk")
    )


@dataclass
class OwnTasks:
    """A staff member's open tasks they can act on (their pks, overdue first, soonest due
    first), and how many more are about someone whose record they can no longer open: the
    daily return hands those back to the care team."""

    reachable: list[int]
    withheld: int


def own_open_tasks(user) -> OwnTasks:
    """Every open task of the user, decided with the access policy's one batched question
    (`viewable`) before the list is paged, so each page and the home's panel are full and
    count only what they can act on. Reads only the task's and participant's keys the
    decision asks: someone's open tasks are tens to a few hundred."""
    candidates = list(
        Task.objects.filter(owner=user, status=TaskStatus.OPEN)
        .select_related("participant")
        .only("participant__organization_id", "participant__user_id")
        .order_by("due_on", "pk")
    )
    reachable = [task.pk for task in viewable(user, candidates)]
    return OwnTasks(reachable, len(candidates) - len(reachable))


def tasks_in_order(pks: list[int]) -> list[Task]:
    """The tasks with these pks as a list shows them, in the order given (one page of a
    list decided beforehand); one no longer there is left out."""
    rows = {task.pk: task for task in _listed(Task.objects.filter(pk__in=pks))}
    return [rows[pk] for pk in pks if pk in rows]


@dataclass
class OverdueBoard:
    """Every overdue task counted per owner (name, count), most first; and how many open
    tasks have no owner who can reach their participant."""

    by_owner: list[tuple[str, int]]
    out_of_reach: int = 0

    @property
    def total(self) -> int:
        return sum(n for _, n in self.by_owner)


def overdue_tasks(user, *, today: date) -> QuerySet[Task]:
    """Open tasks past their due date across the organizations the user oversees, oldest first."""
    return _listed(
        Task.objects.filter(
            organization_id__in=overseen_organizations(user),
            status=TaskStatus.OPEN,
            due_on__lt=today,
        )
    )


def out_of_reach_tasks(user) -> QuerySet[Task]:
    """Open tasks across the organizations the user oversees whose owner cannot open their
    participant's record and which no one on the care team could take back (the return
    marks them), soonest due first: work without an owner who can reach it, for the
    oversight to hand to someone."""
    return _listed(
        Task.objects.filter(
            organization_id__in=overseen_organizations(user),
            status=TaskStatus.OPEN,
            out_of_reach_since__isnull=False,
        )
    )


def overdue_board(user, *, today: date) -> OverdueBoard:
    """The overdue tasks across the organizations the user oversees, counted per owner, and
    the tasks without an owner who can reach them, in one grouped query: the home's panel
    names owners, not tasks or participants, so it reads no task row."""
    overdue = Q(due_on__lt=today)
    unreached = Q(out_of_reach_since__isnull=False)
    counts = list(
        Task.objects.filter(
            overdue | unreached,
            organization_id__in=overseen_organizations(user),
            status=TaskStatus.OPEN,
        )
        .values("owner_id", "owner__first_name", "owner__last_name", "owner__username")
        .annotate(n=Count("pk", filter=overdue), unreached=Count("pk", filter=unreached))
        .order_by()
    )
    by_owner = [
        (
            f"{c['owner__first_name']} {c['owner__last_name']}".strip() or c["owner__username"],
            c["n"],
        )
        for c in counts
        if c["n"]
    ]
    return OverdueBoard(
        sorted(by_owner, key=lambda e: (-e[1], e[0])),
        out_of_reach=sum(c["unreached"] for c in counts),
    )
