"""Querysets compiled once: the hot reads of the API's write paths without the ORM's per-call work.

Building a queryset (`filter()` resolving its lookups and joins) and compiling it to SQL take
more CPU than PostgreSQL spends running a primary-key read: in the answer save, the read of the
response with its attempt and quiz was 40% of the request's CPU, nearly all of it the ORM
making the same SQL again with other ids. `PreparedQuery` makes the queryset once per database
connection with stand-in ids, keeps its SQL and the compiler's plan for turning a row into model
instances (the columns, converters and `select_related` populators that `ModelIterable` uses),
and on each call runs that SQL with the call's ids: the same query, the same instances.

Only for what fits that shape, which `__init__` checks when it compiles: a filter whose
parameters are whole numbers (ids) named by keyword, each appearing once in the SQL, for a
lookup that matches at most one row (the row is read with `LIMIT 1`, no ordering). Anything
else is compiled by the ORM on every call, as before. A value that is not a whole number or is
out of a 64-bit integer's range matches no row, as the ORM's own lookups do.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from django.core.exceptions import EmptyResultSet
from django.db import connections, transaction
from django.db.models import Model, QuerySet
from django.db.models.query import get_related_populators
from django.db.models.sql import UpdateQuery
from django.db.transaction import TransactionManagementError

M = TypeVar("M", bound=Model)

_BIGINT = (-(2**63), 2**63 - 1)
# Stand-ins for the parameters while compiling: whole numbers no site reaches, and within a
# 32-bit column's range (the user table's ids), where the ORM would compile them as is.
_SENTINEL_BASE = 2_147_000_000


def _stand_in(param: object, sentinels: dict[int, str]) -> str | None:
    """The parameter's name if `param` is one of the stand-ins (as is, or in an int subclass that
    the backend wraps a column's values in), else None."""
    if isinstance(param, int) and not isinstance(param, bool):
        return sentinels.get(int(param))
    return None


class _Plan:
    def __init__(self, queryset: QuerySet, names: tuple[str, ...], sentinels: dict[int, str]):
        compiler = queryset.query.get_compiler(using=queryset.db)
        sql, params = compiler.as_sql()
        order = [_stand_in(p, sentinels) for p in params]
        if None in order or sorted(order) != sorted(names):
            raise ValueError("not a plain filter on these parameters")
        self.sql = sql
        self.order: list[str] = order  # type: ignore[assignment]
        # The types the backend wraps some integer columns' values in (psycopg's Int4 for an
        # IntegerField on PostgreSQL), to wrap each call's ids as the ORM would.
        self.wrappers = [None if type(p) is int else type(p) for p in params]
        self.locking = bool(queryset.query.select_for_update)
        select, klass_info = compiler.select, compiler.klass_info
        if compiler.annotation_col_map or klass_info is None:
            raise ValueError("annotations are not prepared")
        self.model = klass_info["model"]
        fields = klass_info["select_fields"]
        self.start, self.end = fields[0], fields[-1] + 1
        self.init_list = [column[0].target.attname for column in select[self.start : self.end]]
        self.populators = get_related_populators(klass_info, select, queryset.db)
        columns = [column[0] for column in select[0 : compiler.col_count]]
        self.converters = list(compiler.get_converters(columns).items())


class PreparedQuery(Generic[M]):
    """`build(**ids)` (a queryset) compiled once per connection; `.one(**ids)` runs it."""

    def __init__(self, build: Callable[..., QuerySet[M]], *names: str):
        self._build = build
        self._names = names
        self._plans: weakref.WeakKeyDictionary[Any, _Plan | None] = weakref.WeakKeyDictionary()

    def _plan(self, connection, using: str) -> _Plan | None:
        try:
            return self._plans[connection]
        except KeyError:
            pass
        sentinels = {_SENTINEL_BASE + n: name for n, name in enumerate(self._names)}
        stand_ins = {name: value for value, name in sentinels.items()}
        try:
            plan: _Plan | None = _Plan(
                self._build(**stand_ins).using(using)[:1], self._names, sentinels
            )
        except (ValueError, TypeError, EmptyResultSet):
            plan = None  # not this shape: the ORM on every call
        self._plans[connection] = plan
        return plan

    def one(self, *, using: str = "default", **ids: object) -> M | None:
        """The row these ids pick, as the queryset's model instance (with its joins); None when
        there is none."""
        connection = connections[using]
        plan = self._plan(connection, using)
        if plan is None:
            try:
                return self._build(**ids).using(using).first()
            except (ValueError, TypeError, OverflowError):
                return None
        try:
            values = {name: int(ids[name]) for name in self._names}  # type: ignore[call-overload]
        except (ValueError, TypeError, OverflowError):
            return None
        if any(not _BIGINT[0] <= value <= _BIGINT[1] for value in values.values()):
            return None
        if plan.locking and connection.get_autocommit():
            raise TransactionManagementError(
                "select_for_update cannot be used outside of a transaction."
            )
        with connection.cursor() as cursor:
            params = [
                values[name] if wrap is None else wrap(values[name])
                for name, wrap in zip(plan.order, plan.wrappers, strict=True)
            ]
            cursor.execute(plan.sql, params)
            row = cursor.fetchone()
        if row is None:
            return None
        row = list(row)
        for position, (converters, expression) in plan.converters:
            value = row[position]
            for converter in converters:
                value = converter(value, expression, connection)
            row[position] = value
        instance = plan.model.from_db(using, plan.init_list, row[plan.start : plan.end])
        for populator in plan.populators:
            populator.populate(row, instance)
        return instance  # type: ignore[no-any-return]


class PreparedUpdate:
    """`build(**ids).update(**values)` compiled once per connection and set of columns.

    The values are prepared for the database on every call, as `update()` prepares them
    (`get_db_prep_save`); a None is written as the ORM writes it (`= NULL`, so that shape is
    compiled apart). Values that are expressions or model instances, and ids that are not whole
    numbers, take the ORM's own path.
    """

    def __init__(self, build: Callable[..., QuerySet], *names: str):
        self._build = build
        self._names = names
        self._plans: weakref.WeakKeyDictionary[Any, dict[tuple, Any]] = weakref.WeakKeyDictionary()
        self._fields: dict[str, Any] | None = None

    def _compile(self, using: str, values: dict, written: int) -> tuple[str, list, list] | None:
        sentinels = {_SENTINEL_BASE + n: name for n, name in enumerate(self._names)}
        queryset = self._build(**{name: value for value, name in sentinels.items()}).using(using)
        query = queryset.query.chain(UpdateQuery)
        query.add_update_values(values)
        query.annotations = {}
        if query.related_updates or any(
            hasattr(field, "get_placeholder") for field, _model, _value in query.values
        ):
            return None
        sql, params = query.get_compiler(using).as_sql()
        ids = params[written:]
        order = [_stand_in(p, sentinels) for p in ids]
        if len(params) != written + len(self._names) or sorted(map(str, order)) != sorted(
            self._names
        ):
            return None
        return sql, order, [None if type(p) is int else type(p) for p in ids]

    def _orm(self, using: str, values: dict, ids: dict) -> int:
        return self._build(**ids).using(using).update(**values)

    def run(self, *, using: str = "default", values: dict[str, object], **ids: object) -> int:
        """How many rows the UPDATE wrote."""
        connection = connections[using]
        if self._fields is None:
            model = self._build(**dict.fromkeys(self._names, 0)).model
            self._fields = {field.name: field for field in model._meta.concrete_fields}
        prepared = []
        for name, value in values.items():
            field = self._fields.get(name)
            if field is None or hasattr(value, "resolve_expression") or isinstance(value, Model):
                return self._orm(using, values, ids)
            prepared.append(field.get_db_prep_save(value, connection=connection))
        if any(hasattr(p, "as_sql") for p in prepared):
            return self._orm(using, values, ids)
        try:
            numbers = {name: int(ids[name]) for name in self._names}  # type: ignore[call-overload]
        except (ValueError, TypeError, OverflowError):
            return self._orm(using, values, ids)
        if any(not _BIGINT[0] <= n <= _BIGINT[1] for n in numbers.values()):
            return 0
        key = tuple((name, p is None) for name, p in zip(values, prepared, strict=True))
        plans = self._plans.setdefault(connection, {})
        if key not in plans:
            written = sum(p is not None for p in prepared)
            plans[key] = self._compile(using, values, written)
        plan = plans[key]
        if plan is None:
            return self._orm(using, values, ids)
        sql, order, wrappers = plan
        params = [p for p in prepared if p is not None] + [
            numbers[name] if wrap is None else wrap(numbers[name])
            for name, wrap in zip(order, wrappers, strict=True)
        ]
        with transaction.mark_for_rollback_on_error(using=using), connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.rowcount
