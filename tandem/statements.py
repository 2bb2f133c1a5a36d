"""Model queries compiled to SQL once per process and run again with one value changed.

Building a query with the ORM and compiling it to SQL costs several times what running a
simple one costs; a page that runs the same few statements on every request (the signed-in
user, a chart's participant and episodes) compiles each once here.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.db import connection
from django.db.models import Field, Model, QuerySet
from django.db.models.query import get_related_populators  # type: ignore[attr-defined]


@dataclass(frozen=True)
class _ModelStatement:
    """A model query compiled to SQL once per process, run again with one value changed,
    and turned into model instances (with their `select_related` rows) as Django would."""

    sql: str
    params: tuple
    slot: int  # the position of the changing value among the parameters
    field: Field  # prepares that value for the database
    compiler: Any
    converters: dict
    model: type[Model] | None
    init_list: list[str]
    start: int
    end: int
    populators: list
    annotations: dict[str, int]


_model_statements: dict[tuple, _ModelStatement] = {}


def _compile_model_query(queryset: QuerySet, field: Field, sentinel: Any) -> _ModelStatement:
    compiler = queryset.query.get_compiler(queryset.db)
    sql, params = compiler.as_sql()
    marker = field.get_db_prep_value(sentinel, compiler.connection, prepared=False)
    slots = [i for i, value in enumerate(params) if value == marker]
    if len(slots) != 1:
        raise ValueError("The changing value must be exactly one of the statement's parameters.")
    klass_info, select = compiler.klass_info, compiler.select
    if klass_info is None:  # a values() query: rows, not instances
        klass_info = {"model": None, "select_fields": [-1]}
    start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
    return _ModelStatement(
        sql=sql,
        params=tuple(params),
        slot=slots[0],
        field=field,
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
    )


_SENTINELS: dict[str, Any] = {"UUIDField": UUID(int=0)}


def model_rows(name: str, build: Callable[[Any], QuerySet], field: Field, value: Any) -> list:
    """The rows of `build(value)` as model instances (with their `select_related` rows),
    compiling the query once per process under `name`: building and compiling a query costs
    several times what running it does. `build` must give the same query for every value,
    and `field` (a field the value is compared with) prepares the value for the database."""
    statement, rows = _run(name, build, field, value)
    model = statement.model
    if model is None:
        raise ValueError("model_rows reads model instances; use value_rows for values().")
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


def value_rows(name: str, build: Callable[[Any], QuerySet], field: Field, value: Any) -> list:
    """The rows of a `values_list()` query `build(value)` as tuples, compiled once per
    process under `name`, as `model_rows` does for instances."""
    return [tuple(row) for row in _run(name, build, field, value)[1]]


def _run(
    name: str, build: Callable[[Any], QuerySet], field: Field, value: Any
) -> tuple[_ModelStatement, list]:
    key = (name, connection.alias)
    statement = _model_statements.get(key)
    if statement is None:
        sentinel = _SENTINELS.get(field.get_internal_type(), -1)
        statement = _model_statements[key] = _compile_model_query(build(sentinel), field, sentinel)
    params = list(statement.params)
    params[statement.slot] = field.get_db_prep_value(value, connection, prepared=False)
    with connection.cursor() as cursor:
        cursor.execute(statement.sql, params)
        rows = cursor.fetchall()
    if statement.converters:
        rows = list(statement.compiler.apply_converters(rows, statement.converters))
    return statement, rows
