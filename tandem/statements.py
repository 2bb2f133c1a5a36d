"""Model queries compiled to SQL once per process and run again with one value changed.

Building a query with the ORM and compiling it to SQL costs several times what running a
simple one costs; a page that runs the same few statements on every request (the signed-in
user, a chart's participant and episodes) compiles each once here. Statements a page always
runs together are sent together (`read_together`): one round trip instead of several.
"""

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Field, Model, QuerySet
from django.db.models.query import get_related_populators  # type: ignore[attr-defined]
from psycopg.sql import Literal


@dataclass(frozen=True)
class _CompiledQuery:
    """A model query compiled to SQL with all its values, turned into model instances (with
    their `select_related` rows) as Django would: `rows_together` compiles one on each call."""

    sql: str
    params: tuple
    compiler: Any
    converters: dict
    model: type[Model] | None
    init_list: list[str]
    start: int
    end: int
    populators: list
    annotations: dict[str, int]
    values: bool  # a values() query: its rows are tuples, not instances


@dataclass(frozen=True)
class _ReusedStatement(_CompiledQuery):
    """A model query compiled to SQL once per process and run again with one value changed."""

    # The position of the changing value among the parameters, and the field that prepares
    # it for the database.
    slot: int
    field: Field
    # PostgreSQL: the statement with its constant values written in by the driver, split
    # where the changing value goes. psycopg parses a statement longer than 4 kB and binds
    # its values anew on every run (it caches only shorter ones): 0.1 ms for the chart's.
    around_value: tuple[str, ...] | None = None


_model_statements: dict[tuple, _ReusedStatement] = {}


def _compile_model_query(queryset: QuerySet) -> _CompiledQuery:
    """`queryset` compiled with all its values."""
    compiler = queryset.query.get_compiler(queryset.db)
    sql, params = compiler.as_sql()
    klass_info, select = compiler.klass_info, compiler.select
    if klass_info is None:  # a values() query: rows, not instances
        klass_info = {"model": None, "select_fields": [-1]}
    start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
    return _CompiledQuery(
        sql=sql,
        params=tuple(params),
        compiler=compiler,
        converters=compiler.get_converters([column for column, _, _ in select]),
        model=klass_info["model"],
        init_list=[column[0].target.attname for column in select[start:end]],
        start=start,
        end=end,
        populators=get_related_populators(klass_info, select, queryset.db)
        if klass_info["model"] is not None
        else [],
        annotations=dict(compiler.annotation_col_map or {}),
        values=not queryset.query.default_cols,
    )


def _compile_reused(queryset: QuerySet, field: Field, sentinel: Any) -> _ReusedStatement:
    """`queryset` compiled, with the place of its changing value (`sentinel`, compared with
    `field`)."""
    query = _compile_model_query(queryset)
    db = query.compiler.connection
    marker = field.get_db_prep_value(sentinel, db, prepared=False)
    slots = [i for i, value in enumerate(query.params) if value == marker]
    if len(slots) != 1:
        raise ValueError("The changing value must be exactly one of the statement's parameters.")
    return _ReusedStatement(
        **vars(query),
        slot=slots[0],
        field=field,
        around_value=_around_value(query.sql, list(query.params), slots[0], field, db),
    )


# Written where the changing value goes, to find that place in the statement with its
# values written in: a value no statement holds otherwise.
_MARKS: dict[str, Any] = {
    "UUIDField": UUID(int=0x7340199457362017123),
    "CharField": "tandem-value-7340199457362017123",
}


def _around_value(
    sql: str, params: list, slot: int, field: Field, db: Any
) -> tuple[str, ...] | None:
    """The statement with its constant values written in by the driver itself, in parts
    either side of the changing value (PostgreSQL only; None when it cannot be found)."""
    if db.vendor != "postgresql":
        return None
    mark = _MARKS.get(field.get_internal_type(), 7340199457362017123)
    marked = list(params)
    marked[slot] = field.get_db_prep_value(mark, db, prepared=False)
    written = db.ops.compose_sql(sql, marked)
    parts = tuple(written.split(db.ops.compose_sql("%s", [marked[slot]])))
    return parts if len(parts) == 2 else None


_SENTINELS: dict[str, Any] = {"UUIDField": UUID(int=0)}


def model_rows(name: str, build: Callable[[Any], QuerySet], field: Field, value: Any) -> list:
    """The rows of `build(value)` as model instances (with their `select_related` rows),
    compiling the query once per process under `name`: building and compiling a query costs
    several times what running it does. `build` must give the same query for every value,
    and `field` (a field the value is compared with) prepares the value for the database."""
    statement = _statement(name, build, field)
    if statement.values:
        raise ValueError("model_rows reads model instances; use value_rows for values().")
    return _rows(statement, _execute([(statement, value)])[0])


def value_rows(name: str, build: Callable[[Any], QuerySet], field: Field, value: Any) -> list:
    """The rows of a `values_list()` query `build(value)` as tuples, compiled once per
    process under `name`, as `model_rows` does for instances."""
    statement = _statement(name, build, field)
    if not statement.values:
        raise ValueError("value_rows reads a values() query; use model_rows for instances.")
    return _rows(statement, _execute([(statement, value)])[0])


@dataclass(frozen=True)
class Read:
    """One compiled statement to run with `read_together`: `build(value)` compiled once per
    process under `name` (any hashable value naming it), as `model_rows` and `value_rows`
    take it."""

    name: Hashable
    build: Callable[[Any], QuerySet]
    field: Field
    value: Any


def read_together(*reads: Read) -> list[list]:
    """The rows of several compiled statements, in order: model instances for a model query,
    tuples for a `values_list()` one. On PostgreSQL they are sent as one statement list in a
    single round trip, each one's rows read in turn; every round trip costs the web worker
    more than the rows it brings back. Elsewhere each runs on its own."""
    runs = [(_statement(read.name, read.build, read.field), read.value) for read in reads]
    return [
        _rows(statement, rows) for (statement, _), rows in zip(runs, _execute(runs), strict=True)
    ]


def rows_together(*querysets: QuerySet) -> list[list]:
    """The rows of several querysets built with this request's own values (a page's
    participants, its week), in order, as `read_together` gives them: compiled on each call,
    since their values are not one that changes, and sent in a single round trip on
    PostgreSQL (one at a time elsewhere). A `values_list()` query's columns come in the
    order of its names, its annotations after them. A query that can match nothing (an
    empty list of ids) is not sent, and reads no rows, as the ORM's does."""
    runs: list[tuple[_CompiledQuery, Any]] = []
    sent: list[bool] = []
    for queryset in querysets:
        try:
            runs.append((_compile_model_query(queryset), None))
        except EmptyResultSet:
            sent.append(False)
        else:
            sent.append(True)
    found = iter(
        [_rows(statement, rows) for (statement, _), rows in zip(runs, _execute(runs), strict=True)]
        if runs
        else []
    )
    return [next(found) if was_sent else [] for was_sent in sent]


def _statement(name: Hashable, build: Callable[[Any], QuerySet], field: Field) -> _ReusedStatement:
    key = (name, connection.alias)
    statement = _model_statements.get(key)
    if statement is None:
        sentinel = _SENTINELS.get(field.get_internal_type(), -1)
        statement = _model_statements[key] = _compile_reused(build(sentinel), field, sentinel)
    return statement


def _params(statement: _CompiledQuery, value: Any) -> list:
    params = list(statement.params)
    if isinstance(statement, _ReusedStatement):
        params[statement.slot] = statement.field.get_db_prep_value(
            value, connection, prepared=False
        )
    return params


def _written(
    statement: _ReusedStatement, value: Any, literals: dict[tuple, str] | None = None
) -> str:
    """The statement with the value written in by the driver, as it writes the others: by
    psycopg's own `Literal`, which writes what Django's `compose_sql` writes without
    opening a cursor to do it (5 µs against 38 µs). `literals`: the values written already
    for this round trip, by type and value: a chart read's four statements, and a session's
    three, are each found by one value, written once."""
    before, after = statement.around_value or ("", "")
    prepared = statement.field.get_db_prep_value(value, connection, prepared=False)
    key = (type(prepared), prepared)
    literal = None if literals is None else literals.get(key)
    if literal is None:
        literal = Literal(prepared).as_string(connection.connection)
        if literals is not None:
            literals[key] = literal
    return f"{before}{literal}{after}"


def _execute(runs: Sequence[tuple[_CompiledQuery, Any]]) -> list[list]:
    """Each statement's rows, converted as Django converts them; several statements go in
    one round trip where the driver binds values on the client (PostgreSQL's default)."""
    together = (
        len(runs) > 1
        and connection.vendor == "postgresql"
        and not connection.settings_dict["OPTIONS"].get("server_side_binding")
    )
    found: list[list] = []
    with connection.cursor() as cursor:
        if together:
            written = [
                (statement, value)
                for statement, value in runs
                if isinstance(statement, _ReusedStatement) and statement.around_value
            ]
            if len(written) == len(runs):
                literals: dict[tuple, str] = {}
                cursor.execute(
                    "; ".join(_written(statement, value, literals) for statement, value in written)
                )
            else:
                cursor.execute(
                    "; ".join(statement.sql for statement, _ in runs),
                    [param for statement, value in runs for param in _params(statement, value)],
                )
            found.append(cursor.fetchall())
            while cursor.nextset():
                found.append(cursor.fetchall())
        else:
            for statement, value in runs:
                cursor.execute(statement.sql, _params(statement, value))
                found.append(cursor.fetchall())
    if len(found) != len(runs):
        raise ValueError("Each statement must give back one set of rows.")
    return [
        list(statement.compiler.apply_converters(rows, statement.converters))
        if statement.converters
        else rows
        for (statement, _), rows in zip(runs, found, strict=True)
    ]


def _rows(statement: _CompiledQuery, rows: list) -> list:
    """The rows as model instances, as Django builds them, or as tuples (a values() query)."""
    model = statement.model
    if statement.values or model is None:
        return [tuple(row) for row in rows]
    found = []
    for row in rows:
        obj = model.from_db(
            connection.alias, statement.init_list, row[statement.start : statement.end]
        )
        for attname, position in statement.annotations.items():
            setattr(obj, attname, row[position])
        for populator in statement.populators:
            populator.populate(row, obj)
        found.append(obj)
    return found
