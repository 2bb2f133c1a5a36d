"""Task pages, the staff home panel and the overdue board. Thin: parse, authorize, call, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from accounts.http import SignedInRequest
from accounts.models import User
from audit.models import Action
from audit.services import record_event
from participants.access import Scope, authorize, may_open, organizations_of, roles_in
from participants.home import shows
from tandem.errors import AccessDenied, InvalidInput, TandemError
from tandem.methods import serves
from tandem.views import error_page
from worklist import selectors, services
from worklist.models import Task

HOME_OWNERS = 10  # the owners with most overdue tasks named on the oversight home
# Rows per page of my tasks and the overdue board: a page a director can read, and one that
# renders quickly however many tasks are open (the pager and the count cover the rest).
PAGE_SIZE = 50


def _forbidden(request: HttpRequest, message: str) -> HttpResponse:
    return error_page(request, "Not allowed", message, status=403)


def _missing(request: HttpRequest) -> HttpResponse:
    return error_page(request, "Task not found", "No task has that id.", status=404)


def _load(request: HttpRequest, task_id) -> Task | None:
    """The task, if it belongs to one of the user's organizations (others look missing)."""
    return (
        Task.objects.filter(public_id=task_id, organization_id__in=organizations_of(request.user))
        .select_related("participant", "owner", "closed_by", "created_by", "handed_over_to")
        .first()
    )


def _may_see(user, task: Task) -> bool:
    return task.owner_id == user.pk or task.organization_id in selectors.overseen_organizations(
        user
    )


def _people(task: Task) -> list[User]:
    """Who a task can be handed to: active staff of its organization."""
    return list(
        User.objects.filter(
            kind=User.Kind.STAFF,
            is_active=True,
            memberships__organization_id=task.organization_id,
            memberships__is_active=True,
        )
        .exclude(pk=task.owner_id)
        .distinct()
        .order_by("last_name", "first_name")
    )


@serves("GET")
@login_required
def task_page(request: SignedInRequest, task_id) -> HttpResponse:
    """One task: what, for whom, by when, what made it and how it ended."""
    task = _load(request, task_id)
    if task is None:
        return _missing(request)
    if task.participant is not None:
        try:
            authorize(
                request.user,
                task.participant,
                Action.VIEW,
                Scope.CLINICAL,
                record=task,
                event_type="worklist.task_viewed",
            )
        except AccessDenied as exc:
            return _forbidden(request, exc.message)
    elif _may_see(request.user, task):
        record_event(actor=request.user, event_type="worklist.task_viewed", record=task)
    else:
        return _forbidden(request, "This task belongs to someone else.")
    task.overdue = task.is_open and task.due_on < timezone.localdate()
    return render(
        request,
        "worklist/task.html",
        {"task": task, "people": _people(task) if task.is_open else []},
    )


def _write(request: HttpRequest, task_id, action) -> HttpResponse:
    task = _load(request, task_id)
    if task is None:
        return _missing(request)
    try:
        action(task)
    except AccessDenied as exc:
        return _forbidden(request, exc.message)
    except TandemError as exc:
        messages.error(request, exc.message)
        return redirect("worklist:task", task_id=task.public_id)
    if request.POST.get("return_to") == "home":
        return redirect("home")
    return redirect("worklist:task", task_id=task.public_id)


def _version(request: HttpRequest) -> int | None:
    raw = request.POST.get("version", "")
    return int(raw) if raw.isdigit() and len(raw) < 10 else None


@serves("POST")
@login_required
def complete(request: SignedInRequest, task_id) -> HttpResponse:
    def act(task: Task) -> None:
        services.complete_task(
            task,
            by=request.user,
            note=request.POST.get("note", "")[:2000],
            expected_version=_version(request),
        )
        messages.success(request, "Task done.")

    return _write(request, task_id, act)


@serves("POST")
@login_required
def cancel(request: SignedInRequest, task_id) -> HttpResponse:
    def act(task: Task) -> None:
        services.cancel_task(
            task,
            by=request.user,
            reason=request.POST.get("reason", "")[:2000],
            expected_version=_version(request),
        )
        messages.success(request, "Task cancelled.")

    return _write(request, task_id, act)


@serves("POST")
@login_required
def hand_over(request: SignedInRequest, task_id) -> HttpResponse:
    def act(task: Task) -> None:
        raw = request.POST.get("to", "")
        to = User.objects.filter(pk=int(raw)).first() if raw.isdigit() and len(raw) < 10 else None
        if to is None:
            raise InvalidInput("Choose who takes the task over.", field="to")
        services.hand_over(
            task,
            by=request.user,
            to=to,
            note=request.POST.get("note", "")[:2000],
            expected_version=_version(request),
        )
        messages.success(request, "Task handed over.")

    return _write(request, task_id, act)


def _audit_list(request: HttpRequest, tasks: list[Task], event_type: str, page: str) -> None:
    record_event(
        actor=request.user,
        event_type=event_type,
        record_type="worklist.TaskList",
        details={
            "page": page,
            "tasks": [str(t.public_id) for t in tasks],
        },
        listed=[t.participant for t in tasks if t.participant],
    )


@serves("GET")
@login_required
def mine(request: SignedInRequest) -> HttpResponse:
    """Every open task of the signed-in staff member they can act on, overdue first."""
    if not may_open(request.user, "worklist:mine"):
        return _forbidden(request, "The task list is for staff.")
    own = selectors.own_open_tasks(request.user)
    page = Paginator(own.reachable, PAGE_SIZE).get_page(request.GET.get("page"))
    tasks = selectors.mark_overdue(
        selectors.tasks_in_order(list(page.object_list)), timezone.localdate()
    )
    if tasks:
        _audit_list(request, tasks, "worklist.list_viewed", "my tasks")
    # Tasks about someone whose record the user can no longer open are left out until the
    # daily return hands them back; the page says how many, instead of seeming empty.
    return render(
        request, "worklist/mine.html", {"tasks": tasks, "page": page, "withheld": own.withheld}
    )


@serves("GET")
@login_required
def overdue(request: SignedInRequest) -> HttpResponse:
    """Every overdue task across the program, for its directors and supervisors."""
    if not may_open(request.user, "worklist:overdue"):
        return _forbidden(request, "The overdue-task board is for directors and supervisors.")
    today = timezone.localdate()
    page = Paginator(selectors.overdue_tasks(request.user, today=today), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    tasks = selectors.mark_overdue(list(page), today)
    # Work without an owner who can reach it, first: the owner left the care team or lost
    # the record and no one on the team could take it back, so no one else will see it.
    unreached = selectors.mark_overdue(
        list(selectors.out_of_reach_tasks(request.user)[: PAGE_SIZE + 1]), today
    )
    shown = list({t.pk: t for t in [*tasks, *unreached[:PAGE_SIZE]]}.values())
    if shown:
        _audit_list(request, shown, "worklist.overdue_viewed", "overdue board")
    return render(
        request,
        "worklist/overdue.html",
        {
            "tasks": tasks,
            "page": page,
            "unreached": unreached[:PAGE_SIZE],
            "more_unreached": len(unreached) > PAGE_SIZE,
        },
    )


def home_panel(request: HttpRequest) -> dict | None:
    """The signed-in staff member's first open tasks on their home page, overdue first, and
    how many they have: read as the task list reads them (`own_open_tasks`), so the panel is
    full and its count is the list's, however many are about someone beyond their reach, and
    it says how many those are, as the list does."""
    if not any(roles_in(request.user, org) for org in organizations_of(request.user)):
        return None
    own = selectors.own_open_tasks(request.user)
    shown = selectors.mark_overdue(
        selectors.tasks_in_order(own.reachable[: selectors.HOME_TASKS]), timezone.localdate()
    )
    if not shown:
        return None
    panel = {
        "template": "worklist/_home_panel.html",
        "tasks": shown,
        "total": len(own.reachable),
        "more": len(own.reachable) > selectors.HOME_TASKS,
        "withheld": own.withheld,
    }
    return shows(panel, "tasks", [t.participant for t in shown if t.participant], shown)


def overdue_panel(request: HttpRequest) -> dict | None:
    """How many tasks are overdue, and for the owners with most of them how many each: a
    program of hundreds of clinicians would otherwise list every one on each load. It names
    staff only, so it adds no one to the home's audit event."""
    board = selectors.overdue_board(request.user, today=timezone.localdate())
    if not board.by_owner and not board.out_of_reach:
        return None
    return {
        "template": "worklist/_overdue_panel.html",
        "total": board.total,
        "out_of_reach": board.out_of_reach,
        "owners": board.by_owner[:HOME_OWNERS],
        "other_owners": len(board.by_owner) - HOME_OWNERS,
    }
