"""Reads that several pages share, each with a fixed number of queries."""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, tzinfo
from typing import Any

from django.db import connection, connections
from django.db.models import (
    Case,
    Exists,
    Model,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
    prefetch_related_objects,
)
from django.utils import timezone

from accounts.models import User
from participants.access import caseload, staff_holding, visible_participants
from participants.models import (
    IN_CARE_STATUSES,
    OPEN_STATUSES,
    CareTeamMember,
    CareTeamRole,
    Episode,
    EpisodeStatus,
    Participant,
)
from tandem.hooks import Hook
from tandem.statements import Read, model_rows, read_together

# A module's values on the participant's row (`read_on_participant`).
RowValues = Callable[[], Mapping[str, Any]]


@dataclass(frozen=True)
class CaseloadValue:
    """A value another module adds to every caseload row, in the caseload's own query:
    `expression()` (built for each read, so it may ask the clock) is annotated as `name`."""

    name: str
    expression: Callable[[], Any]


# scheduling adds `next_session_at`, the participant's next scheduled session.
CASELOAD_VALUES: Hook[CaseloadValue] = Hook(
    "participants.caseload_values", key=lambda value: value.name
)


def admitted_in_care() -> QuerySet[Episode]:
    """Episodes admitted and in care, of records in force: a record entered in error (opened
    for the wrong person, a duplicate) has left the lists, figures and daily jobs that count
    the people in care. Those records are found in their own small index and left out,
    instead of joining every episode to its participant: a count of a program's thousands
    in care otherwise reads the whole participants table."""
    withdrawn = Participant.objects.filter(
        pk=OuterRef("participant_id"), entered_in_error_at__isnull=False
    )
    return Episode.objects.filter(
        ~Exists(withdrawn), status__in=IN_CARE_STATUSES, admitted_on__isnull=False
    )


def program_zone(participant: Participant, episode: Episode | None = None) -> tzinfo:
    """The time zone of the participant's program (`episode`: their current one, when the
    caller has read it), the server's for someone never in one: the program's days are the
    ones a dose, a check-in or a reminder belongs to."""
    episode = episode or current_episode(participant)
    return episode.program.tz if episode else timezone.get_current_timezone()


def program_today(participant: Participant, episode: Episode | None = None) -> date:
    """Today in the participant's program (`episode`: their current one, when the caller has
    read it), the server's date for someone never in one."""
    return timezone.now().astimezone(program_zone(participant, episode)).date()


def current_episode(participant: Participant) -> Episode | None:
    """The open episode if there is one, else the most recent."""
    episodes = sorted(
        participant.episodes.all(), key=lambda e: (e.is_open, e.referred_on, e.pk), reverse=True
    )
    return episodes[0] if episodes else None


def care_team_staff(organization_id: int) -> QuerySet[User]:
    """Clinical staff of the organization, who may join a care team: the care-team page's
    choices and the API's alike."""
    return staff_holding("care_team.join", organization_id)


def primary_clinician(episode: Episode, team: Sequence[CareTeamMember] | QuerySet) -> Any:
    """Who a new primary clinician would replace: the primary's place on `team` (the
    episode's current care team with its users), else the episode's named one."""
    return next(
        (m.user for m in team if m.role == CareTeamRole.PRIMARY_CLINICIAN),
        episode.primary_clinician,
    )


def _current_episode_value(participant: Any, column: str) -> Subquery:
    """A column of `current_episode` as an expression, `participant` a reference to its row."""
    open_first = Case(When(status__in=OPEN_STATUSES, then=Value(1)), default=Value(0))
    return Subquery(
        Episode.objects.filter(participant=participant)
        .order_by(open_first.desc(), "-referred_on", "-pk")
        .values(column)[:1]
    )


def current_episode_id(participant: Any) -> Subquery:
    """`current_episode`'s id as an expression, `participant` a reference to its row."""
    return _current_episode_value(participant, "pk")


def _chart_relations() -> tuple[Prefetch, Prefetch]:
    """The episodes with their programs and sites, and each one's current care team."""
    return (
        Prefetch(
            "episodes",
            queryset=Episode.objects.select_related("program", "site", "primary_clinician"),
        ),
        Prefetch(
            "episodes__care_team",
            queryset=CareTeamMember.objects.filter(ended_on__isnull=True).select_related("user"),
        ),
    )


def with_chart_relations(qs: QuerySet[Participant]) -> QuerySet[Participant]:
    return qs.prefetch_related(*_chart_relations())


def _chart_participant(public_id: Any) -> QuerySet[Participant]:
    return (
        Participant.objects.select_related("organization")
        .filter(public_id=public_id, entered_in_error_at__isnull=True)
        .order_by("pk")[:1]
    )


def _chart_episodes(**of_participant: Any) -> QuerySet[Episode]:
    return (
        Episode.objects.select_related("program", "site", "primary_clinician")
        .filter(**of_participant)
        .order_by("pk")
    )


def _chart_care_teams(**of_participant: Any) -> QuerySet[CareTeamMember]:
    return (
        CareTeamMember.objects.select_related("user")
        .filter(ended_on__isnull=True, **of_participant)
        .order_by("pk")
    )


def chart_participant(public_id) -> Participant | None:
    """The participant a chart address names (not entered in error), with its organization:
    the statement every participant page starts with, compiled once per process."""
    found = model_rows(
        "chart_participant", _chart_participant, Participant._meta.get_field("public_id"), public_id
    )
    return found[0] if found else None


def chart_participant_with_relations(
    public_id, row_values: Sequence[RowValues] = (), *, organizations: Sequence[int] = ()
) -> Participant | None:
    """`chart_participant` with what `prefetch_chart_relations` reads onto it (the episodes
    and care teams the chart header and the access decision read), the three statements
    sent in one round trip where the database allows it, since a chart read by staff needs
    all three every time. The episodes and care teams are found by the same address and
    are left unread (never shown) when no participant is found.

    `row_values`: groups of values on the participant's row, as `read_on_participant` reads
    them, read in the same round trip and kept on the participant for `kept_row_values`
    (the chart header's flags, whose modules' own decisions say which are shown), for a
    participant of one of `organizations` only (the reader's), when they are given."""
    public = Participant._meta.get_field("public_id")
    groups = tuple(row_values) if any(_row_value_names(tuple(row_values))) else ()
    reads = [
        Read("chart_participant", _chart_participant, public, public_id),
        Read(
            "chart_episodes_by_address",
            lambda value: _chart_episodes(
                participant__public_id=value, participant__entered_in_error_at__isnull=True
            ),
            public,
            public_id,
        ),
        Read(
            "chart_care_teams_by_address",
            lambda value: _chart_care_teams(
                episode__participant__public_id=value,
                episode__participant__entered_in_error_at__isnull=True,
            ),
            public,
            public_id,
        ),
    ]
    if groups:
        within = tuple(organizations)
        reads.append(
            Read(
                ("chart_row_values_by_address", groups, within),
                lambda value: _row_values_by_address(groups, value, within),
                public,
                public_id,
            )
        )
    people, episodes, members, *values = read_together(*reads)
    if not people:
        return None
    _keep_chart_relations(people[0], episodes, members)
    if values and values[0]:
        names = _row_value_names(groups)
        people[0]._kept_row_values = {
            group: dict(zip(group_names, row, strict=True))
            for group, group_names, row in zip(
                groups, names, _split(values[0][0], names), strict=True
            )
        }
    return people[0]


def kept_row_values(participant: Participant, group: RowValues) -> Mapping[str, Any] | None:
    """The values of `group` read with the participant by `chart_participant_with_relations`,
    or None when they were not read with it."""
    return getattr(participant, "_kept_row_values", {}).get(group)


def prefetch_chart_relations(participant: Participant) -> None:
    """Read what the chart header needs onto a participant already loaded (two queries),
    rather than loading the participant again; nothing when the page's gate read them.

    The same rows as `with_chart_relations` (the episodes with their programs, sites and
    primary clinicians; each one's current care team with their users), read by statements
    compiled once per process and kept where Django's prefetch keeps them."""
    cache = participant.__dict__.setdefault("_prefetched_objects_cache", {})
    episodes = cache.get("episodes")
    if episodes is not None:
        if all("care_team" in getattr(e, "_prefetched_objects_cache", {}) for e in episodes):
            return
        prefetch_related_objects([participant], *_chart_relations())
        return
    by_participant = Episode._meta.get_field("participant")
    episodes, members = read_together(
        Read(
            "chart_episodes",
            lambda value: _chart_episodes(participant_id=value),
            by_participant,
            participant.pk,
        ),
        Read(
            "chart_care_teams",
            lambda value: _chart_care_teams(episode__participant_id=value),
            by_participant,
            participant.pk,
        ),
    )
    _keep_chart_relations(participant, episodes, members)


def _keep_chart_relations(
    participant: Participant, episodes: list[Episode], members: list[CareTeamMember]
) -> None:
    """Keep the episodes and their current care teams on the participant, linked to each
    other, where Django's prefetch keeps them."""
    teams: dict[int, list[CareTeamMember]] = {e.pk: [] for e in episodes}
    for member in members:
        teams[member.episode_id].append(member)
    participant_field = Episode._meta.get_field("participant")
    episode_field = CareTeamMember._meta.get_field("episode")
    for episode in episodes:
        participant_field.set_cached_value(episode, participant)
        team = teams[episode.pk]
        for member in team:
            episode_field.set_cached_value(member, episode)
        _keep_prefetched(episode, "care_team", episode.care_team.get_queryset(), team)
    _keep_prefetched(participant, "episodes", participant.episodes.get_queryset(), episodes)


def _keep_prefetched(obj: Model, name: str, queryset: QuerySet, rows: list) -> None:
    """Keep `rows` as the prefetched result of `obj.<name>.all()`, as Django's prefetch does."""
    queryset._result_cache = rows
    queryset._prefetch_done = True  # type: ignore[attr-defined]
    obj.__dict__.setdefault("_prefetched_objects_cache", {})[name] = queryset


@dataclass(frozen=True)
class _Statement:
    sql: str
    params: tuple
    names: tuple[str, ...]
    compiler: Any
    converters: dict
    # PostgreSQL: the statement with its constant values written in, split where the
    # participant's id goes. psycopg binds values into a statement longer than 4 kB anew on
    # every run (it caches only shorter ones), which cost more than running the query.
    around_id: tuple[str, str] | None = None


_statements: dict[tuple, _Statement] = {}
_ANY_PARTICIPANT = -1  # compiled with this id, run with the participant's
_ID_MARK = 7340199457362017123  # where the id goes in the statement with its values written in


def _compile(groups: Sequence[RowValues], using: str) -> _Statement:
    expressions = _row_value_expressions(groups)
    if not expressions:
        return _Statement("", (), (), None, {})
    query = Participant.objects.filter(pk=_ANY_PARTICIPANT).values(**expressions).query
    compiler = query.get_compiler(using)
    sql, params = compiler.as_sql()
    if not params or params[-1] != _ANY_PARTICIPANT:
        raise ValueError("The participant's id is not the statement's last parameter.")
    return _Statement(
        sql,
        tuple(params[:-1]),
        tuple(alias for _, _, alias in compiler.select),
        compiler,
        compiler.get_converters([column for column, _, _ in compiler.select]),
        _around_id(sql, params[:-1], using),
    )


def _around_id(sql: str, params: Sequence[Any], using: str) -> tuple[str, str] | None:
    """The statement with its constant values written in by the database driver itself, in
    two parts either side of the participant's id (PostgreSQL only)."""
    db = connections[using]
    if db.vendor != "postgresql":
        return None
    operations: Any = db.ops  # PostgreSQL's, which alone write values into a statement
    written = operations.compose_sql(sql, [*params, _ID_MARK])
    before, mark, after = written.partition(str(_ID_MARK))
    return (before, after) if mark and str(_ID_MARK) not in after else None


def read_on_participant(participant: Participant, groups: Sequence[RowValues]) -> list[dict]:
    """Read several modules' values on the participant's row in one query (none when there
    is nothing to read), each group's under its own names, so modules never clash.

    Each group's `values()` gives expressions on the row (`OuterRef("pk")` is the
    participant) that depend on the row alone: no clock, no user, no value of the request.
    They are built and compiled to SQL once per process for each set of groups, because
    building and compiling them costs far more than running the query.
    """
    if not groups:
        return []
    statement = _statement_for(groups)
    if not statement.names:
        return [{} for _ in groups]
    with connection.cursor() as cursor:
        if statement.around_id is not None:
            before, after = statement.around_id
            cursor.execute(f"{before}{int(participant.pk)}{after}")  # an integer id only
        else:
            cursor.execute(statement.sql, (*statement.params, participant.pk))
        row = cursor.fetchone()
    return _values_of(statement, groups, row)


def _values_of(
    statement: _Statement, groups: Sequence[RowValues], row: Sequence[Any]
) -> list[dict]:
    """The statement's row cut into each group's values, under the group's own names."""
    values: list[dict[str, Any]] = [{} for _ in groups]
    if statement.converters:
        [row] = statement.compiler.apply_converters([row], statement.converters)
    for alias, value in zip(statement.names, row, strict=True):
        i, name = alias[1:].split("_", 1)
        values[int(i)][name] = value
    return values


def _statement_for(groups: Sequence[RowValues]) -> _Statement:
    key = (connection.alias, tuple(groups))
    statement = _statements.get(key)
    if statement is None:
        statement = _statements[key] = _compile(groups, connection.alias)
    return statement


def row_values_statement(participant: Participant, groups: Sequence[RowValues]) -> str:
    """`read_on_participant`'s statement for this participant with every value written in,
    for a caller that sends it with another statement in one round trip and keeps what it
    read with `keep_row_values`; '' where it cannot be written so (not PostgreSQL, nothing
    to read)."""
    if not groups:
        return ""
    statement = _statement_for(groups)
    if not statement.names or statement.around_id is None:
        return ""
    before, after = statement.around_id
    return f"{before}{int(participant.pk)}{after}"  # an integer id only


def keep_row_values(
    participant: Participant, groups: Sequence[RowValues], row: Sequence[Any]
) -> None:
    """Keep on the participant, for `kept_row_values`, the values `row_values_statement`
    read, as `chart_participant_with_relations` keeps those it reads."""
    kept = participant.__dict__.setdefault("_kept_row_values", {})
    kept.update(zip(groups, _values_of(_statement_for(groups), groups, row), strict=True))


_row_value_names_of: dict[tuple, list[list[str]]] = {}


def _row_value_expressions(groups: Sequence[RowValues]) -> dict[str, Any]:
    return {
        f"v{i}_{name}": expression
        for i, values in enumerate(groups)
        for name, expression in values().items()
    }


def _row_value_names(groups: tuple[RowValues, ...]) -> list[list[str]]:
    """Each group's names of its values, in the order the statement reads them."""
    names = _row_value_names_of.get(groups)
    if names is None:
        names = _row_value_names_of[groups] = [list(values()) for values in groups]
    return names


def _row_values_by_address(
    groups: Sequence[RowValues], public_id, organizations: Sequence[int] = ()
) -> QuerySet:
    expressions = _row_value_expressions(groups)
    found = Participant.objects.filter(public_id=public_id, entered_in_error_at__isnull=True)
    if organizations:
        found = found.filter(organization_id__in=organizations)
    return found.annotate(**expressions).values_list(*expressions)


def _split(row: Sequence[Any], names: list[list[str]]) -> list[Sequence[Any]]:
    """The row's values cut into each group's, in the groups' order."""
    parts, start = [], 0
    for group_names in names:
        parts.append(row[start : start + len(group_names)])
        start += len(group_names)
    return parts


def caseload_for(user) -> QuerySet[Episode]:
    """My open episodes with the values other modules add to each row (`CASELOAD_VALUES`;
    one query, read when used: the home pages it in the database)."""
    values = {value.name: value.expression() for value in CASELOAD_VALUES.implementations()}
    return (
        Episode.objects.filter(pk__in=caseload(user).values("pk"))
        .select_related("participant", "program", "primary_clinician", "scheduling_profile")
        .annotate(**values)
        .order_by("participant__legal_last_name", "participant__legal_first_name", "pk")
    )


def search(user, *, text: str = "", dob: date | None = None, limit: int = 50) -> list[Participant]:
    """Find participants by name, record number or date of birth within the user's reach,
    each with `status_label`, the status of their current episode (`current_episode`), read
    in the same query instead of loading every episode and care team of fifty people."""
    qs = visible_participants(user)
    words = [w for w in text.split() if w]
    for word in words:
        qs = qs.filter(
            Q(legal_first_name__icontains=word)
            | Q(legal_last_name__icontains=word)
            | Q(preferred_name__icontains=word)
            | Q(record_number__iexact=word)
        )
    if dob is not None:
        qs = qs.filter(date_of_birth=dob)
    if not words and dob is None:
        return []
    found: list[Participant] = list(
        qs.annotate(episode_status=_current_episode_value(OuterRef("pk"), "status")).order_by(
            "legal_last_name", "legal_first_name", "pk"
        )[:limit]
    )
    for participant in found:
        status = participant.episode_status  # type: ignore[attr-defined]
        participant.status_label = EpisodeStatus(status).label if status else ""  # type: ignore[attr-defined]
    return found
