import re
from datetime import date, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from attendance.tests.builders import active_participant
from audit.models import AuditEvent
from conftest import MIDWEEK, make_participant
from worklist.models import Task, TaskStatus
from worklist.selectors import HOME_TASKS
from worklist.services import create_task
from worklist.views import HOME_OWNERS, PAGE_SIZE

pytestmark = pytest.mark.django_db

# Who may open a task about the world's participant (its care team and oversight).
MAY_OPEN = {
    "director",
    "supervisor",
    "therapist",
    "counsellor",
    "prescriber",
    "nurse",
    "casemanager",
    "peer",
}


@pytest.fixture
def clock():
    with time_machine.travel(MIDWEEK, tick=False):
        yield


def _make(world, n: int, *, due: date = date(2026, 11, 10), owner=None) -> list[Task]:
    return [
        create_task(
            title=f"Task {i}",
            due_on=due,
            participant=world.participant,
            owner=owner or world.casemanager,
            by=world.therapist,
        )
        for i in range(n)
    ]


@pytest.mark.parametrize(
    "persona",
    [
        "director",
        "supervisor",
        "therapist",
        "outsider",
        "counsellor",
        "prescriber",
        "nurse",
        "casemanager",
        "peer",
        "intake",
        "frontdesk",
        "billing",
        "auditor",
        "stranger",
        "participant_user",
    ],
)
def test_who_may_open_a_task_page(world, task, login, persona):
    client = login(world.users[persona])
    response = client.get(reverse("worklist:task", args=[task.public_id]))
    if persona in MAY_OPEN:
        assert response.status_code == 200
        assert b"Call about the bus pass" in response.content
        assert AuditEvent.objects.filter(
            event_type="worklist.task_viewed", actor=world.users[persona]
        ).exists()
    else:
        assert response.status_code in (403, 404, 302)
        assert b"Call about the bus pass" not in response.content


@pytest.mark.parametrize("name", ["complete", "cancel", "hand_over"])
def test_writes_answer_only_post(world, task, login, name):
    client = login(world.casemanager)
    url = reverse(f"worklist:{name}", args=[task.public_id])
    assert client.get(url).status_code == 405
    assert client.put(url).status_code == 405


def test_task_pages_answer_only_get(world, task, login):
    client = login(world.casemanager)
    for url in (
        reverse("worklist:task", args=[task.public_id]),
        reverse("worklist:mine"),
        reverse("worklist:overdue"),
    ):
        assert client.post(url).status_code == 405


def test_complete_from_the_page(world, task, login):
    client = login(world.casemanager)
    page = client.get(reverse("worklist:task", args=[task.public_id]))
    assert b'name="form_token"' in page.content
    response = client.post(
        reverse("worklist:complete", args=[task.public_id]), {"note": "Done", "version": 1}
    )
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE


def test_an_outsider_cannot_complete_it(world, task, login):
    client = login(world.outsider)
    response = client.post(reverse("worklist:complete", args=[task.public_id]), {"version": 1})
    assert response.status_code == 403
    task.refresh_from_db()
    assert task.status == TaskStatus.OPEN


def test_hand_over_from_the_page(world, task, login):
    client = login(world.supervisor)
    response = client.post(
        reverse("worklist:hand_over", args=[task.public_id]),
        {"to": world.peer.pk, "version": 1, "note": "Covering"},
    )
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.status == TaskStatus.HANDED_OVER
    assert task.handed_over_to.owner == world.peer


def test_bad_hand_over_writes_nothing(world, task, login):
    client = login(world.supervisor)
    client.post(reverse("worklist:hand_over", args=[task.public_id]), {"to": "x", "version": 1})
    client.post(
        reverse("worklist:hand_over", args=[task.public_id]),
        {"to": world.stranger.pk, "version": 1},
    )
    task.refresh_from_db()
    assert task.status == TaskStatus.OPEN
    assert Task.objects.count() == 1


def test_home_shows_my_tasks_overdue_first(clock, world, login):
    _make(world, 1, due=date(2026, 11, 25), owner=world.casemanager)
    late = _make(world, 1, due=date(2026, 11, 2), owner=world.casemanager)[0]
    late.title = "The late one"
    late.save()
    client = login(world.casemanager)
    html = client.get(reverse("home")).content.decode()
    assert "Your tasks (2)" in html
    assert html.index("The late one") < html.index("Task 0")
    assert "overdue" in html


def test_supervisor_board_shows_overdue_tasks(clock, world, login):
    _make(world, 2, due=date(2026, 11, 2))
    _make(world, 1, due=date(2026, 11, 30))
    client = login(world.supervisor)
    home = client.get(reverse("home")).content.decode()
    assert "Overdue tasks (2)" in home
    board = client.get(reverse("worklist:overdue"))
    assert board.status_code == 200
    assert board.content.decode().count("<strong>overdue</strong>") == 2
    assert login(world.therapist).get(reverse("worklist:overdue")).status_code == 403


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    ("persona", "url_name"),
    [
        ("casemanager", "worklist:mine"),
        ("supervisor", "worklist:overdue"),
        ("casemanager", "home"),
        ("supervisor", "home"),
    ],
)
def test_lists_stay_flat_as_tasks_grow(clock, world, login, persona, url_name):
    _make(world, 2)
    client = login(world.users[persona])
    url = reverse(url_name)
    few = _count(client, url)
    _make(world, 12)
    assert _count(client, url) == few


def test_the_home_tasks_about_several_participants_stay_flat(clock, world, login):
    """Each task on the home is about someone else: the list's access check reads what it
    asks of each participant with the tasks, not once per row."""
    client = login(world.casemanager)

    def about_others(n: int, tag: str) -> None:
        for i in range(n):
            episode = active_participant(world, f"W-{tag}{i}", "Pat", f"Row{tag}{i}")
            create_task(
                title=f"Call {tag}{i}",
                due_on=date(2026, 11, 10),
                participant=episode.participant,
                owner=world.casemanager,
                by=world.therapist,
            )

    about_others(1, "a")
    few = _count(client, reverse("home"))
    about_others(4, "b")
    assert _count(client, reverse("home")) == few


def _many(world, n: int) -> list[Task]:
    """n overdue open tasks of the case manager, due on dates out of creation order."""
    first = _make(world, 1)[0]
    Task.objects.bulk_create(
        Task(
            organization_id=first.organization_id,
            participant=world.participant,
            title=f"Bulk {i}",
            owner=world.casemanager,
            due_on=date(2026, 11, 1) + timedelta(days=(i * 7) % 13),
            created_by=world.therapist,
        )
        for i in range(n - 1)
    )
    return list(Task.objects.filter(status=TaskStatus.OPEN).order_by("due_on", "pk"))


TASK_LINK = re.compile(r'href="/tasks/([0-9a-f-]{36})/"')


def _listed(client, url: str) -> tuple[list[str], str]:
    html = client.get(url).content.decode()
    return TASK_LINK.findall(html), html


@pytest.mark.parametrize(
    ("persona", "url_name"),
    [("casemanager", "worklist:mine"), ("supervisor", "worklist:overdue")],
)
def test_pages_hold_every_task_in_order(clock, world, login, persona, url_name):
    expected = [str(t.public_id) for t in _many(world, PAGE_SIZE + 7)]
    client = login(world.users[persona])
    url = reverse(url_name)
    first, html = _listed(client, url)
    second, html2 = _listed(client, f"{url}?page=2")
    assert first == expected[:PAGE_SIZE]
    assert second == expected[PAGE_SIZE:]
    assert f"Page 1 of 2 ({PAGE_SIZE + 7})" in html
    assert f"Page 2 of 2 ({PAGE_SIZE + 7})" in html2
    audited = AuditEvent.objects.filter(record_type="worklist.TaskList").order_by("pk")
    assert [e.details["tasks"] for e in audited] == [first, second]


def _beyond_reach(world, n: int, *, due: date) -> None:
    """n open tasks of the case manager about someone whose record they cannot open (no
    care team of theirs), as they stand until the daily return hands them back."""
    someone = make_participant(
        world.org, f"W-9{Task.objects.count():05d}", legal_first_name="Sam", legal_last_name="Far"
    )
    Task.objects.bulk_create(
        Task(
            organization_id=world.org.pk,
            participant=someone,
            title=f"Beyond reach {i}",
            owner=world.casemanager,
            due_on=due,
            created_by=world.therapist,
        )
        for i in range(n)
    )


def test_each_page_of_my_tasks_is_full_when_some_are_beyond_my_reach(clock, world, login):
    """Tasks about someone whose record the case manager can no longer open, due before all
    the others, are left out before the list is paged: each page holds a full page of tasks
    they can act on, the pager counts only those, and every page says how many are left out."""
    expected = [str(t.public_id) for t in _many(world, PAGE_SIZE + 7)]
    _beyond_reach(world, 5, due=date(2026, 10, 1))
    client = login(world.casemanager)
    url = reverse("worklist:mine")

    first, html = _listed(client, url)
    second, html2 = _listed(client, f"{url}?page=2")

    assert first == expected[:PAGE_SIZE]
    assert second == expected[PAGE_SIZE:]
    assert f"Page 1 of 2 ({PAGE_SIZE + 7})" in html
    assert f"Page 2 of 2 ({PAGE_SIZE + 7})" in html2
    for page in (html, html2):
        assert "5 of your open tasks are about people whose records you can no longer open" in page
        assert "Beyond reach" not in page and "Far" not in page
    audited = AuditEvent.objects.filter(record_type="worklist.TaskList").order_by("pk")
    assert [e.details["tasks"] for e in audited] == [first, second]


def test_the_home_lists_a_full_panel_of_my_tasks_when_the_first_are_beyond_my_reach(
    clock, world, login
):
    """Tasks about someone whose record the case manager can no longer open, due before all
    the others, are left out before the home takes its first rows: the panel is full, in the
    task list's order, counts what the task list counts and still opens the rest."""
    expected = [str(t.public_id) for t in _many(world, HOME_TASKS + 5)]
    _beyond_reach(world, HOME_TASKS + 1, due=date(2026, 10, 1))
    client = login(world.casemanager)

    html = client.get(reverse("home")).content.decode()
    panel = html[html.index('id="tasks-heading"') :]
    panel = panel[: panel.index("</section>")]
    listed, _ = _listed(client, reverse("worklist:mine"))

    assert TASK_LINK.findall(panel) == expected[:HOME_TASKS] == listed[:HOME_TASKS]
    assert f"Your tasks ({len(listed)})" in panel and len(listed) == HOME_TASKS + 5
    assert "All your tasks" in panel
    assert f"{HOME_TASKS + 1} of your open tasks are about people whose records" in panel
    assert "Beyond reach" not in html and "Far" not in panel
    home = AuditEvent.objects.filter(event_type="home.viewed").latest("pk")
    assert home.details["lists"]["tasks"]["records"] == expected[:HOME_TASKS]


def test_my_tasks_cost_the_same_however_many_are_beyond_reach_or_about_others(clock, world, login):
    """The access check before paging reads what it asks of every task at once: more tasks,
    about more participants, some of them beyond the owner's reach, add no query."""
    client = login(world.casemanager)
    url = reverse("worklist:mine")
    _make(world, 2)
    _beyond_reach(world, 1, due=date(2026, 10, 1))
    few = _count(client, url)
    for i in range(4):
        episode = active_participant(world, f"W-c{i}", "Pat", f"Other{i}")
        _make(world, 3, owner=world.casemanager)
        create_task(
            title=f"Call {i}",
            due_on=date(2026, 11, 10),
            participant=episode.participant,
            owner=world.casemanager,
            by=world.therapist,
        )
        _beyond_reach(world, 2, due=date(2026, 10, 1))
    assert _count(client, url) == few


def test_overdue_count_covers_every_page(clock, world, login):
    _many(world, PAGE_SIZE + 7)
    html = login(world.supervisor).get(reverse("worklist:overdue")).content.decode()
    assert f"<strong>{PAGE_SIZE + 7}</strong> open past their due date" in html


@pytest.mark.parametrize(
    ("persona", "url_name"),
    [("casemanager", "worklist:mine"), ("supervisor", "worklist:overdue"), ("casemanager", "home")],
)
@pytest.mark.parametrize("page", ["1", "2"])
def test_paged_lists_cost_the_same_for_few_and_many(clock, world, login, persona, url_name, page):
    client = login(world.users[persona])
    url = f"{reverse(url_name)}?page={page}"
    _make(world, 2)
    few = _count(client, url)
    _many(world, PAGE_SIZE + 7)
    assert _count(client, url) == few


def test_home_overdue_panel_counts_every_overdue_task(clock, world, login):
    _many(world, PAGE_SIZE + 7)
    _make(world, 3, owner=world.therapist)
    html = login(world.supervisor).get(reverse("home")).content.decode()
    casemanager = world.casemanager.get_full_name() or world.casemanager.username
    therapist = world.therapist.get_full_name() or world.therapist.username
    assert f"Overdue tasks ({PAGE_SIZE + 10})" in html
    assert html.index(f"{casemanager}: {PAGE_SIZE + 7}") < html.index(f"{therapist}: 3")


def test_the_home_overdue_panel_names_owners_and_lists_no_participant(clock, world, login):
    _make(world, 2)
    before = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    html = login(world.supervisor).get(reverse("home")).content.decode()
    assert "Overdue tasks (2)" in html
    assert world.participant.display_name not in html
    for event in AuditEvent.objects.filter(pk__gt=before, event_type="home.viewed"):
        assert "overdue_tasks" not in event.details["lists"]


def test_the_home_overdue_panel_names_the_owners_with_most_and_counts_the_rest(clock, world, login):
    first = _make(world, 1)[0]
    staff = [User.objects.create(username=f"owner-{n:02d}") for n in range(HOME_OWNERS + 2)]
    Task.objects.bulk_create(
        Task(
            organization_id=first.organization_id,
            participant=world.participant,
            title=f"Overdue {n}",
            owner=owner,
            due_on=date(2026, 11, 1),
            created_by=world.therapist,
        )
        for n, owner in enumerate(staff)
        for _ in range(n + 2)  # owner-00 has fewest, the last most
    )
    html = login(world.supervisor).get(reverse("home")).content.decode()
    total = 1 + sum(n + 2 for n in range(len(staff)))
    assert f"Overdue tasks ({total})" in html
    assert f"owner-{len(staff) - 1:02d}: {len(staff) + 1}" in html
    assert "owner-02: 4" in html
    assert "owner-01:" not in html and "owner-00:" not in html
    assert "3 more staff have overdue tasks." in html  # owner-01, owner-00 and the case manager


@pytest.mark.parametrize("url_name", ["worklist:overdue", "home"])
def test_work_without_an_owner_who_can_reach_it_costs_the_same_for_few_and_many(
    clock, world, login, url_name
):
    """The oversight's list of tasks no one on the care team could take back, and the home's
    count of them, read in a fixed number of queries however many there are."""
    from worklist.services import return_tasks_out_of_reach

    def out_of_reach(n: int) -> None:
        """The primary clinician's own tasks, their account then closed: no one to take them."""
        User.objects.filter(pk=world.therapist.pk).update(is_active=True)
        _make(world, n, due=date(2026, 12, 20), owner=world.therapist)
        User.objects.filter(pk=world.therapist.pk).update(is_active=False)
        return_tasks_out_of_reach()

    client = login(world.supervisor)
    url = reverse(url_name)
    out_of_reach(2)
    few = _count(client, url)
    out_of_reach(12)
    assert Task.objects.filter(out_of_reach_since__isnull=False).count() == 14
    assert _count(client, url) == few
