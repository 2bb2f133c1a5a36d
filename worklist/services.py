"""Writes to the worklist: every other module makes, closes and hands over tasks here.

    create_task(title=..., due_on=..., participant=p, owner_role=CareTeamRole.CASE_MANAGER,
                source=referral, kind="referral.verify", by=user)
    complete_task(task, by=user) / cancel_task(task, by=user, reason=...) /
    hand_over(task, by=user, to=other_user)

`by=None` is the program itself (a background job); a person's writes go through the access
policy first. Each write is one transaction with its audit event.
"""

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from accounts.models import Organization, User
from audit.models import Action
from audit.services import record_event
from participants.access import (
    Scope,
    may_take_over,
    may_take_over_for,
    require,
    require_capability,
    roles_in,
    staff_holding,
    uses_staff_pages,
)
from participants.models import CareTeamRole, Participant
from participants.selectors import current_episode
from tandem import dates
from tandem.errors import ConcurrentEdit, InvalidInput
from tandem.validation import validate
from worklist.models import Task, TaskStatus

OVERSEE = "worklist.oversee"


def source_of(record: Any) -> tuple[str, str]:
    """How a task names the record that made it: its model label and public id."""
    if record is None:
        return "", ""
    return record._meta.label, str(getattr(record, "public_id", None) or record.pk)


def resolve_owner(participant: Participant, role: str) -> User:
    """The person who holds a care-team role on the participant's current episode.

    The primary clinician falls back to the episode's named primary clinician; a role no one
    holds is refused, so a task never lands on nobody.
    """
    if role not in CareTeamRole.values:
        raise InvalidInput("Choose a care-team role.", field="owner_role")
    episode = current_episode(participant)
    if episode is not None:
        member = (
            episode.care_team.filter(role=role, ended_on__isnull=True)
            .select_related("user")
            .order_by("started_on", "pk")
            .first()
        )
        if member is not None:
            return member.user
        if role == CareTeamRole.PRIMARY_CLINICIAN and episode.primary_clinician is not None:
            return episode.primary_clinician
    label = CareTeamRole(role).label.lower()
    raise InvalidInput(
        f"No one on this participant's care team is the {label}; choose a person.",
        field="owner",
    )


def _check_owner(owner: Any, organization_id: int, participant: Participant | None) -> None:
    if (
        not isinstance(owner, User)
        or not uses_staff_pages(owner)
        or not owner.is_active
        or not roles_in(owner, organization_id)
    ):
        raise InvalidInput("Choose a staff member of this program as the owner.", field="owner")
    if participant is not None and not may_take_over(owner, participant):
        raise InvalidInput(
            "The owner cannot open this participant's record; choose someone on the care team.",
            field="owner",
        )


def _organization_decision(by: User, organization_id: int, *, event_type: str, task=None):
    """A person acting on a task about no participant: a member of its organization (its
    owner) or someone who oversees the worklist there."""
    if task is not None and task.owner_id == by.pk and roles_in(by, organization_id):
        return None
    if task is None and roles_in(by, organization_id) and uses_staff_pages(by):
        return None
    return require_capability(by, OVERSEE, [organization_id], event_type=event_type, record=task)


def _role_of(by: User | None, organization_id: int, decision) -> str:
    if by is None or decision is not None:
        return ""
    return ",".join(sorted(roles_in(by, organization_id)))


def create_task(
    *,
    title: str,
    due_on: date,
    by: User | None,
    participant: Participant | None = None,
    organization: Organization | None = None,
    owner: User | None = None,
    owner_role: str = "",
    source: Any = None,
    kind: str = "",
    detail: str = "",
) -> Task:
    """Open a task for a person (or for whoever holds `owner_role` on the care team).

    With a `source` and a `kind`, an open task of that kind for that source is returned as it
    is, so a job that runs twice makes one task.
    """
    if participant is not None:
        organization_id = participant.organization_id
    elif organization is not None:
        organization_id = organization.pk
    else:
        raise InvalidInput("A task belongs to a participant or to a program's organization.")
    dates.check(due_on, field="due_on", label="Due date")
    decision = None
    if by is not None:
        if participant is not None:
            decision = require(by, participant, Action.CREATE, Scope.CLINICAL)
        else:
            decision = _organization_decision(
                by, organization_id, event_type="worklist.task_created"
            )
    if owner is None:
        if not owner_role:
            raise InvalidInput("Choose who owns the task.", field="owner")
        if participant is None:
            raise InvalidInput("A care-team role needs a participant.", field="owner_role")
        owner = resolve_owner(participant, owner_role)
    _check_owner(owner, organization_id, participant)
    source_type, source_id = source_of(source)
    task = Task(
        organization_id=organization_id,
        participant=participant,
        title=(title or "").strip(),
        detail=(detail or "").strip(),
        kind=kind,
        owner=owner,
        owner_role=owner_role,
        due_on=due_on,
        source_type=source_type,
        source_id=source_id,
        created_by=by,
    )
    validate(task, exclude=["organization", "owner", "participant", "created_by"])
    with transaction.atomic():
        if kind and source_id:
            existing = (
                Task.objects.select_for_update()
                .filter(
                    source_type=source_type,
                    source_id=source_id,
                    kind=kind,
                    status=TaskStatus.OPEN,
                )
                .first()
            )
            if existing is not None:
                return existing
        task.save()
        record_event(
            actor=by,
            event_type="worklist.task_created",
            decision=decision,
            role=_role_of(by, organization_id, decision),
            participant=participant,
            organization=organization_id,
            record=task,
            details={
                "owner": owner.pk,
                "owner_role": owner_role,
                "due_on": due_on.isoformat(),
                "kind": kind,
                "source": f"{source_type}:{source_id}" if source_id else "",
            },
        )
    return task


def create_task_for_first(
    owners: Sequence[User | str | None], *, participant: Participant, **task: Any
) -> Task | None:
    """A background job's task about a participant, for the first of `owners` who can own
    it: a person, or whoever holds a care-team role (a `CareTeamRole`) on the current
    episode; None entries are passed over. When none can (they left the program, no one
    holds the role), it goes to the organization's oversight instead, the overseer with the
    fewest open tasks, its detail saying why, to hand on: work a job finds is never dropped,
    and one person leaving never stops a job for everyone after them. None only when the
    organization has no one overseeing either, an event then saying what went unasked."""
    for owner in owners:
        if owner is None:
            continue
        try:
            if isinstance(owner, str):
                return create_task(participant=participant, owner_role=owner, **task)
            return create_task(participant=participant, owner=owner, **task)
        except InvalidInput as exc:
            if exc.field not in ("owner", "owner_role"):
                raise
    overseer = _least_busy(staff_holding(OVERSEE, participant.organization_id))
    if overseer is None:
        record_event(
            actor=None,
            event_type="worklist.task_without_owner",
            participant=participant,
            details={"kind": task.get("kind", ""), "title": task.get("title", "")},
        )
        return None
    detail = " ".join(part for part in (task.pop("detail", ""), NO_ONE_ON_THE_TEAM) if part)
    return create_task(participant=participant, owner=overseer, detail=detail, **task)


# What a task handed to the oversight by a job says, beside what it asks.
NO_ONE_ON_THE_TEAM = (
    "No one on the care team could own this task, so it came to the program's oversight: "
    "hand it to the person who should do it."
)


def _least_busy(people: Any) -> User | None:
    """The one of `people` with the fewest open tasks (the first by name on a tie)."""
    candidates = list(people)
    if not candidates:
        return None
    counts = dict(
        Task.objects.filter(owner__in=candidates, status=TaskStatus.OPEN)
        .values("owner_id")
        .annotate(n=Count("pk"))
        .values_list("owner_id", "n")
    )
    return min(candidates, key=lambda person: counts.get(person.pk, 0))


def _decision_to_act(task: Task, by: User | None, event_type: str):
    if by is None:
        return None
    if task.participant is not None:
        return require(by, task.participant, Action.CHANGE, Scope.CLINICAL)
    return _organization_decision(by, task.organization_id, event_type=event_type, task=task)


def _close(
    task: Task,
    *,
    by: User,
    status: str,
    note: str,
    event_type: str,
    expected_version: int | None,
    decision,
) -> Task:
    """Lock the open task, end it with who and when, and audit; run inside a transaction."""
    row = Task.objects.select_for_update().get(pk=task.pk)
    if row.status != TaskStatus.OPEN:
        raise InvalidInput(f"This task is already {row.get_status_display().lower()}.")
    if expected_version is not None and row.version != expected_version:
        raise ConcurrentEdit("task")
    row.status = status
    row.closed_by = by
    row.closed_at = timezone.now()
    row.close_note = note
    row.version += 1
    row.save(
        update_fields=[
            "status",
            "closed_by",
            "closed_at",
            "close_note",
            "version",
            "modified_at",
        ]
    )
    record_event(
        actor=by,
        event_type=event_type,
        decision=decision,
        role=_role_of(by, row.organization_id, decision),
        participant=row.participant,
        organization=row.organization_id,
        record=row,
        reason=note,
        details={"changes": {"status": {"before": "open", "after": status}}},
    )
    return row


def complete_task(
    task: Task, *, by: User, note: str = "", expected_version: int | None = None
) -> Task:
    """Mark a task done; the note says what was done, when there is something to say."""
    decision = _decision_to_act(task, by, "worklist.task_completed")
    with transaction.atomic():
        return _close(
            task,
            by=by,
            status=TaskStatus.DONE,
            note=(note or "").strip(),
            event_type="worklist.task_completed",
            expected_version=expected_version,
            decision=decision,
        )


def cancel_task(task: Task, *, by: User, reason: str, expected_version: int | None = None) -> Task:
    """End a task that no longer needs doing; the reason is required and kept."""
    reason = (reason or "").strip()
    if len(reason) < 3:
        raise InvalidInput("Say why the task is no longer needed.", field="reason")
    decision = _decision_to_act(task, by, "worklist.task_cancelled")
    with transaction.atomic():
        return _close(
            task,
            by=by,
            status=TaskStatus.CANCELLED,
            note=reason,
            event_type="worklist.task_cancelled",
            expected_version=expected_version,
            decision=decision,
        )


def hand_over(
    task: Task,
    *,
    by: User,
    to: User | None = None,
    to_role: str = "",
    note: str = "",
    due_on: date | None = None,
    expected_version: int | None = None,
) -> Task:
    """Give an open task to someone else: the old task ends "handed over", a new open task
    (same title, source and kind) starts with the new owner. Returns the new task."""
    decision = _decision_to_act(task, by, "worklist.task_handed_over")
    if to is None:
        if not to_role or task.participant is None:
            raise InvalidInput("Choose who takes the task over.", field="to")
        to = resolve_owner(task.participant, to_role)
    _check_owner(to, task.organization_id, task.participant)
    return _hand_over(
        task,
        by=by,
        to=to,
        to_role=to_role,
        note=note,
        due_on=due_on,
        expected_version=expected_version,
        decision=decision,
    )


def _hand_over(
    task: Task,
    *,
    by: User | None,
    to: User,
    to_role: str,
    note: str,
    due_on: date | None,
    expected_version: int | None,
    decision: Any,
) -> Task:
    """The hand-over to someone already found able to own the task (`hand_over` and
    `follow_primary_change` check them with `_check_owner`; the returns' `_successor` did
    while choosing them); returns the new task."""
    participant = task.participant
    if to.pk == task.owner_id:
        raise InvalidInput("The task already belongs to this person.", field="to")
    due_on = due_on or task.due_on
    dates.check(due_on, field="due_on", label="Due date")
    with transaction.atomic():
        successor = Task(
            organization_id=task.organization_id,
            participant=participant,
            title=task.title,
            detail=task.detail,
            kind=task.kind,
            owner=to,
            owner_role=to_role,
            due_on=due_on,
            source_type=task.source_type,
            source_id=task.source_id,
            created_by=by,
        )
        closing = Task.objects.select_for_update().get(pk=task.pk)
        if closing.status != TaskStatus.OPEN:
            raise InvalidInput(f"This task is already {closing.get_status_display().lower()}.")
        if expected_version is not None and closing.version != expected_version:
            raise ConcurrentEdit("task")
        # One open task per source and kind: the old one ends before the new one starts.
        Task.objects.filter(pk=task.pk).update(
            status=TaskStatus.HANDED_OVER,
            closed_by=by,
            closed_at=timezone.now(),
            close_note=(note or "").strip(),
            version=closing.version + 1,
            modified_at=timezone.now(),
        )
        successor.save()
        Task.objects.filter(pk=task.pk).update(handed_over_to=successor)
        record_event(
            actor=by,
            event_type="worklist.task_handed_over",
            decision=decision,
            role=_role_of(by, task.organization_id, decision),
            participant=participant,
            organization=task.organization_id,
            record=closing,
            reason=(note or "").strip(),
            details={
                "changes": {
                    "status": {"before": "open", "after": TaskStatus.HANDED_OVER},
                    "owner": {"before": closing.owner_id, "after": to.pk},
                },
                "successor": str(successor.public_id),
            },
        )
    return successor


def follow_primary_change(episode: Any, previous: Any, new: Any, *, by: Any) -> list[Task]:
    """Hand the replaced primary clinician's open tasks about the participant to the new one
    when the replaced one can no longer open the record (a participant-services primary-change
    hook): a task belongs to someone who can, or it lingers where no one acts on it. Runs in
    the care-team write's transaction, which was the decision; each hand-over is audited."""
    if previous is None or by is None:
        return []
    participant = episode.participant
    if may_take_over(previous, participant):
        return []
    tasks = list(
        Task.objects.filter(
            participant=participant, owner=previous, status=TaskStatus.OPEN
        ).order_by("pk")
    )
    if tasks:
        _check_owner(new, participant.organization_id, participant)
    return [
        _hand_over(
            task,
            by=by,
            to=new,
            to_role=task.owner_role,
            note="The primary clinician changed.",
            due_on=None,
            expected_version=None,
            decision=None,
        )
        for task in tasks
    ]


def return_tasks_out_of_reach() -> list[Task]:
    """Hand each open task whose owner can no longer open its participant's record (their
    account was closed, their role in the organization ended) to whoever holds the task's
    care-team role now, or else the primary clinician: a task left with someone who cannot
    act on it is seen by no one. The program hands it over (no person), audited as each
    hand-over is; a task no one on the care team can take stays for the overdue board.
    Decided owner by owner with the policy's batch form."""
    tasks = Task.objects.filter(status=TaskStatus.OPEN, participant__isnull=False)
    by_owner: dict[int, list[tuple[Task, Participant]]] = {}
    for task in tasks.select_related("owner", "participant").order_by("pk"):
        if task.participant is not None:
            by_owner.setdefault(task.owner_id, []).append((task, task.participant))
    returned = []
    reached_again: list[tuple[Task, Participant]] = []
    for owned in by_owner.values():
        owner = owned[0][0].owner
        reach = may_take_over_for(owner, [p for _, p in owned])
        for task, participant in owned:
            if owner.is_active and participant.pk in reach:
                if task.out_of_reach_since is not None:
                    reached_again.append((task, participant))
                continue
            successor = _return(
                task,
                participant,
                by=None,
                decision=None,
                note="The owner can no longer open this participant's record.",
                owner_reaches=False,
            )
            if successor is not None:
                returned.append(successor)
    # An owner who can open the record again (put back on the care team) holds the task as
    # before, and it leaves the oversight's list.
    for task, participant in reached_again:
        _back_in_reach(task, participant)
    return returned


def return_tasks_of_ended_member(
    member: Any, *, by: User, decision: Any, left_team: bool
) -> dict[str, list[str]]:
    """Hand back the open tasks about the participant that a staff member taken off the care
    team held (a participant-services member-ended hook), as the daily return hands back a
    task whose owner lost the record: to the holder of the task's care-team role, else the
    primary clinician. Someone who stays on the team in another role keeps the tasks not of
    the role that ended. Runs in the care-team write's transaction, which was the decision;
    each hand-over is audited. A task no one on the team can take stays, as the daily
    return leaves it."""
    participant = member.episode.participant
    tasks = Task.objects.filter(
        participant=participant, owner_id=member.user_id, status=TaskStatus.OPEN
    )
    if not left_team:
        tasks = tasks.filter(owner_role=member.role)
    # Still able to open the record (on the team in another role, or the program's
    # oversight), they keep what no one else can take, and it is not out of their reach.
    reached = tasks.exists() and may_take_over(member.user, participant)
    handed = [
        successor
        for task in tasks.order_by("pk")
        if (
            successor := _return(
                task,
                participant,
                by=by,
                decision=decision,
                note="The owner left this participant's care team.",
                owner_reaches=reached,
            )
        )
        is not None
    ]
    return {"tasks_handed_back": [str(t.public_id) for t in handed]} if handed else {}


def _return(
    task: Task,
    participant: Participant,
    *,
    by: User | None,
    decision: Any,
    note: str,
    owner_reaches: bool,
) -> Task | None:
    """Hand a task back to the care team (`_successor`). When no one there can take it, it
    stays with its owner and, unless the owner can still open the record, goes on the
    program's oversight's list of work without an owner who can reach it
    (`out_of_reach_since`, audited once when it goes on), where a director or supervisor
    hands it to someone; returns None then."""
    found = _successor(task, participant)
    if found is None:
        if not owner_reaches:
            _out_of_reach(task, participant, by=by, decision=decision, note=note)
        return None
    to, role = found
    return _hand_over(
        task,
        by=by,
        to=to,
        to_role=role,
        note=note,
        due_on=None,
        expected_version=None,
        decision=decision,
    )


def _out_of_reach(
    task: Task, participant: Participant, *, by: User | None, decision: Any, note: str
) -> None:
    """Put a task on the oversight's list, with its event, once: a second return finding it
    there again writes nothing."""
    with transaction.atomic():
        marked = Task.objects.filter(
            pk=task.pk, status=TaskStatus.OPEN, out_of_reach_since__isnull=True
        ).update(out_of_reach_since=timezone.now())
        if not marked:
            return
        record_event(
            actor=by,
            event_type="worklist.task_out_of_reach",
            participant=participant,
            record=task,
            decision=decision,
            details={
                "owner": task.owner_id,
                "reason": f"{note} No one on the care team can take it back.",
            },
        )


def _back_in_reach(task: Task, participant: Participant) -> None:
    """Take a task off the oversight's list, with its event, once its owner can open the
    record again: the trail says why it left the list as it says why it went on."""
    with transaction.atomic():
        cleared = Task.objects.filter(
            pk=task.pk, status=TaskStatus.OPEN, out_of_reach_since__isnull=False
        ).update(out_of_reach_since=None)
        if not cleared:
            return
        record_event(
            actor=None,
            event_type="worklist.task_back_in_reach",
            participant=participant,
            record=task,
            details={
                "owner": task.owner_id,
                "reason": "The owner can open this participant's record again.",
            },
        )


def _successor(task: Task, participant: Participant) -> tuple[User, str] | None:
    """Who takes a task back, and in which care-team role: the holder of the task's role,
    else the primary clinician, when they may own it (`_check_owner`, asked here once for
    the hand-back)."""
    for role in [r for r in (task.owner_role, CareTeamRole.PRIMARY_CLINICIAN) if r]:
        try:
            found = resolve_owner(participant, role)
            _check_owner(found, task.organization_id, participant)
        except InvalidInput:
            continue
        if found.pk != task.owner_id:
            return found, role
    return None


def cancel_tasks_of_withdrawn(
    record: Any, *, by: User, reason: str, decision: Any, now: datetime
) -> list[Task]:
    """Cancel the open tasks about a record just entered in error, or made from it (a
    lifecycle withdrawal hook): a duplicate participant record leaves every list, so its tasks
    must not stay on anyone's. The withdrawal's decision stands for the cancellation, inside
    its transaction (the front desk withdraws a duplicate without closing clinical tasks)."""
    if isinstance(record, Participant):
        about = Q(participant_id=record.pk)
    else:
        source_type, source_id = source_of(record)
        about = Q(source_type=source_type, source_id=source_id)
    note = f"Cancelled because the {record._meta.verbose_name} was entered in error: {reason}"
    return [
        _close(
            task,
            by=by,
            status=TaskStatus.CANCELLED,
            note=note,
            event_type="worklist.task_cancelled",
            expected_version=None,
            decision=decision,
        )
        for task in Task.objects.filter(about, status=TaskStatus.OPEN).order_by("pk")
    ]


def never_asked(records: Sequence[Any], *, kind: str) -> list[Any]:
    """The records no task of `kind` was ever made from, open or closed: a job that asks once
    per record (a closed task is not asked again), in one query."""
    sources = [source_of(record) for record in records]
    asked = set(
        Task.objects.filter(
            kind=kind,
            source_type__in={t for t, _ in sources},
            source_id__in=[i for _, i in sources],
        ).values_list("source_type", "source_id")
    )
    return [r for r, source in zip(records, sources, strict=True) if source not in asked]


def complete_tasks_from(
    sources: Sequence[Any], *, kind: str, by: User, note: str, decision: Any
) -> list[Task]:
    """Mark done the open tasks of `kind` made from these records, now that what they asked
    for was recorded (a recertification ends the task that asked for it). The recording's
    decision stands for the closure, inside its transaction, as a withdrawal's does."""
    ids = [source_of(source) for source in sources]
    if not ids:
        return []
    about = Q()
    for source_type, source_id in ids:
        about |= Q(source_type=source_type, source_id=source_id)
    return [
        _close(
            task,
            by=by,
            status=TaskStatus.DONE,
            note=note,
            event_type="worklist.task_completed",
            expected_version=None,
            decision=decision,
        )
        for task in Task.objects.filter(about, kind=kind, status=TaskStatus.OPEN).order_by("pk")
    ]


def hand_over_or_cancel_for_participant(
    participant: Participant, *, by: User, reason: str, to: User | None = None
) -> list[Task]:
    """Close every open task about a participant at once (the discharge workflow): hand each
    to `to` when given, else cancel it with `reason`. Returns the tasks as they end up."""
    from worklist.selectors import open_tasks_for_participant

    ended = []
    for task in open_tasks_for_participant(participant):
        if to is not None and to.pk != task.owner_id:
            ended.append(hand_over(task, by=by, to=to, note=reason))
        else:
            ended.append(cancel_task(task, by=by, reason=reason))
    return ended
