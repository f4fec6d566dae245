"""Querysets compiled once: the hot reads of the API's write paths without the ORM's per-call work.

Building a queryset (`filter()` resolving its lookups and joins) and compiling it to SQL take
more CPU than PostgreSQL spends running a primary-key read: in the answer save, the read of the
response with its attempt and quiz was 40% of the request's CPU, nearly all of it the ORM
making the same SQL again with other ids. `PreparedQuery` makes the queryset once per database
connection with stand-in ids, keeps its SQL and the compiler's plan for turning a row into model
instances (the columns, converters and `select_related` populators that `ModelIterable` uses),
and on each call runs that SQL with the call's ids: the same query, the same instances.

Only for what fits that shape, which the first call on a connection checks by compiling the
queryset twice, with two sets of stand-ins: the two SQL texts must be the same, and each of
their parameters either the same in both (a constant of the query, such as `published = true`
or a `Value("user")`) or, in both, the stand-in of one parameter (a parameter may appear several
times). A parameter the ORM rewrites (`__contains` makes it a pattern, arithmetic changes it),
or a query whose SQL depends on the values, is not this shape and is compiled by the ORM on
every call, as before. Parameters are whole numbers (ids) unless named in `text` (strings: a
slug). A number that is not a whole number or is out of a 64-bit integer's range matches no
row, as the ORM's own lookups do; a text parameter that is not a string takes the ORM's path.

The builder must depend on its parameters alone (not on the clock, the settings of the moment
or the user's permissions): what it gives with the stand-ins is what every call runs.

`.one(**ids)` reads the first row (`LIMIT 1`, in the queryset's order); `.all(**ids)` every
row, in its order. A `values_list()` queryset gives its tuples (converted as the ORM converts
them), any other its model instances with their `select_related` joins. `PreparedUpdate` does
the same for an `update()`, and `PreparedInsert` for a `bulk_create()` of new instances (the
backend's own INSERT compiler run once per number of rows, with stand-ins for the values).
"""

from __future__ import annotations

import functools
import weakref
from collections.abc import Callable, Iterable
from typing import Any, Generic, TypeVar

from django.core.exceptions import EmptyResultSet, FullResultSet
from django.db import connections, transaction
from django.db.models import AutoField, Model, QuerySet
from django.db.models.query import ValuesListIterable, get_related_populators
from django.db.models.sql import InsertQuery, UpdateQuery
from django.db.transaction import TransactionManagementError

M = TypeVar("M", bound=Model)

_BIGINT = (-(2**63), 2**63 - 1)
# Stand-ins for the parameters while compiling: whole numbers no site reaches, and within a
# 32-bit column's range (the user table's ids), where the ORM would compile them as is.
_SENTINEL_BASE = 2_147_000_000


def _stand_in(param: object, sentinels: dict[Any, str]) -> str | None:
    """The parameter's name if `param` is one of the stand-ins (as is, or in an int subclass that
    the backend wraps a column's values in), else None. By type too: True or 2147000000.0 is no
    number's stand-in, and the numbers' and the strings' stand-ins never meet."""
    if isinstance(param, int) and not isinstance(param, bool):
        return sentinels.get(int(param))
    if type(param) is str:
        return sentinels.get(param)
    return None


class _Plan:
    def __init__(self, queryset: QuerySet, twin: QuerySet, sentinels: dict[Any, str], twins: dict):
        compiler = queryset.query.get_compiler(using=queryset.db)
        sql, params = compiler.as_sql()
        twin_sql, twin_params = twin.query.get_compiler(using=twin.db).as_sql()
        if sql != twin_sql or len(params) != len(twin_params):
            raise ValueError("the SQL depends on the values")
        # Each parameter: a name (its value comes from the call, in the type the ORM gave the
        # stand-in: PostgreSQL's 16- and 32-bit columns take psycopg's Int2 and Int4) or a
        # constant of the query.
        slots: list[tuple[str | None, Any]] = []
        for one, other in zip(params, twin_params, strict=True):
            name = _stand_in(one, sentinels)
            if name is not None and _stand_in(other, twins) == name and type(one) is type(other):
                slots.append((name, None if type(one) in (int, str) else _sized(type(one))))
            elif name is None and _stand_in(other, twins) is None and _same(one, other):
                slots.append((None, one))
            else:
                raise ValueError("not a plain filter on these parameters")
        if {name for name, _ in slots if name is not None} != set(sentinels.values()):
            raise ValueError("a parameter the SQL does not use")
        self.sql = sql
        self.slots = slots
        self.locking = bool(queryset.query.select_for_update)
        select, klass_info = compiler.select, compiler.klass_info
        columns = [column[0] for column in select[0 : compiler.col_count]]
        self.converters = list(compiler.get_converters(columns).items())
        # A values_list() reads tuples (ValuesListIterable); anything else model instances.
        self.tuples = queryset._iterable_class is ValuesListIterable
        if self.tuples:
            return
        if compiler.annotation_col_map or klass_info is None:
            raise ValueError("annotations are not prepared")
        self.model = klass_info["model"]
        fields = klass_info["select_fields"]
        self.start, self.end = fields[0], fields[-1] + 1
        self.init_list = [column[0].target.attname for column in select[self.start : self.end]]
        self.populators = get_related_populators(klass_info, select, queryset.db)

    def params(self, values: dict[str, Any]) -> list[object] | None:
        """The SQL's parameters for these values; None when a number does not fit the column
        it is compared with (the ORM's own path then says what that means for the lookup)."""
        params: list[object] = []
        for name, how in self.slots:
            if name is None:
                params.append(how)
            elif how is None:
                params.append(values[name])
            else:
                wrapper, bound = how
                if not -bound <= values[name] < bound:
                    return None
                params.append(wrapper(values[name]))
        return params

    def read(self, row: tuple, connection, using: str) -> Any:
        """One fetched row as the ORM's iterable gives it: a tuple, or a model instance."""
        if self.converters:
            row = list(row)  # type: ignore[assignment]
            for position, (converters, expression) in self.converters:
                value = row[position]
                for converter in converters:
                    value = converter(value, expression, connection)
                row[position] = value  # type: ignore[index]
        if self.tuples:
            return tuple(row)
        instance = self.model.from_db(using, self.init_list, row[self.start : self.end])
        for populator in self.populators:
            populator.populate(row, instance)
        return instance


# psycopg's sized integers (what Django's PostgreSQL backend compares 16- and 32-bit columns
# with), by the bound of their range; any other kind of number is not prepared.
_SIZED = {"Int2": 2**15, "Int4": 2**31, "Int8": 2**63}


def _sized(wrapper: type) -> tuple[type, int]:
    bound = _SIZED.get(wrapper.__name__)
    if bound is None or not issubclass(wrapper, int):
        raise ValueError(f"a parameter of type {wrapper.__name__}")
    return wrapper, bound


def _same(one: object, other: object) -> bool:
    try:
        return type(one) is type(other) and bool(one == other)
    except Exception:  # a value that cannot be compared is not a constant
        return False


class PreparedQuery(Generic[M]):
    """`build(**ids)` (a queryset) compiled once per connection; `.one(**ids)` and
    `.all(**ids)` run it. The names in `text` are strings; the others whole numbers."""

    def __init__(self, build: Callable[..., QuerySet[M]], *names: str, text: Iterable[str] = ()):
        self._build = build
        self._names = names
        self._text = frozenset(text)
        self._plans: weakref.WeakKeyDictionary[Any, dict[bool, _Plan | None]] = (
            weakref.WeakKeyDictionary()
        )

    def _stand_ins(self, offset: int) -> dict[Any, str]:
        return {
            (
                f"prepared-stand-in-{offset}-{n}"
                if name in self._text
                else _SENTINEL_BASE + offset + n
            ): name
            for n, name in enumerate(self._names)
        }

    def _plan(self, connection, using: str, first: bool) -> _Plan | None:
        plans = self._plans.setdefault(connection, {})
        try:
            return plans[first]
        except KeyError:
            pass
        sentinels, twins = self._stand_ins(0), self._stand_ins(len(self._names))
        try:
            querysets = []
            for stand_ins in (sentinels, twins):
                queryset = self._build(**{name: value for value, name in stand_ins.items()})
                queryset = queryset.using(using)
                querysets.append(queryset[:1] if first else queryset)
            plan: _Plan | None = _Plan(querysets[0], querysets[1], sentinels, twins)
        except (ValueError, TypeError, EmptyResultSet, FullResultSet):
            plan = None  # not this shape: the ORM on every call
        plans[first] = plan
        return plan

    def _values(self, ids: dict[str, object]) -> dict[str, object] | None:
        """The call's parameters for the SQL; None when a number matches no row. Raises
        TypeError for a text parameter that is not a string (the ORM's path then)."""
        values: dict[str, object] = {}
        for name in self._names:
            value = ids[name]
            if name in self._text:
                if not isinstance(value, str):
                    raise TypeError(name)
                values[name] = value
                continue
            try:
                number = int(value)  # type: ignore[call-overload]
            except (ValueError, TypeError, OverflowError):
                return None
            if not _BIGINT[0] <= number <= _BIGINT[1]:
                return None
            values[name] = number
        return values

    def _run(self, *, using: str, ids: dict[str, object], first: bool) -> list | None:
        """The rows read, or None for the ORM's path."""
        connection = connections[using]
        plan = self._plan(connection, using, first)
        if plan is None:
            return None
        try:
            values = self._values(ids)
        except TypeError:
            return None
        if values is None:
            return []
        if plan.locking and connection.get_autocommit():
            raise TransactionManagementError(
                "select_for_update cannot be used outside of a transaction."
            )
        params = plan.params(values)
        if params is None:
            return None
        with connection.cursor() as cursor:
            cursor.execute(plan.sql, params)
            rows = [cursor.fetchone()] if first else cursor.fetchall()
        return [plan.read(row, connection, using) for row in rows if row is not None]

    def one(self, *, using: str = "default", **ids: object) -> M | None:
        """The first row these ids pick, as the queryset gives it (a model instance with its
        joins, or a `values_list()` tuple); None when there is none."""
        rows = self._run(using=using, ids=ids, first=True)
        if rows is None:
            try:
                return self._build(**ids).using(using).first()
            except (ValueError, TypeError, OverflowError):
                return None
        return rows[0] if rows else None

    def all(self, *, using: str = "default", **ids: object) -> list[M]:
        """Every row these ids pick, in the queryset's order."""
        rows = self._run(using=using, ids=ids, first=False)
        if rows is None:
            try:
                return list(self._build(**ids).using(using))
            except (ValueError, TypeError, OverflowError):
                return []
        return rows


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

    def _compile(self, using: str, values: dict, written: int) -> tuple[str, list] | None:
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
        # Each id: its name, and the wrapper the backend gave it (PostgreSQL's 16- and 32-bit
        # columns take psycopg's Int2 and Int4), as PreparedQuery's plan keeps them.
        order: list[tuple[str, Any]] = []
        for param in params[written:]:
            name = _stand_in(param, sentinels)
            if name is None or type(param) is str:
                return None
            try:
                order.append((name, None if type(param) is int else _sized(type(param))))
            except ValueError:
                return None
        if len(params) != written + len(self._names) or sorted(n for n, _ in order) != sorted(
            self._names
        ):
            return None
        return sql, order

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
        sql, order = plan
        params = [p for p in prepared if p is not None]
        for name, how in order:
            if how is None:
                params.append(numbers[name])
                continue
            wrapper, bound = how
            if not -bound <= numbers[name] < bound:  # past the column's range: the ORM says
                return self._orm(using, values, ids)
            params.append(wrapper(numbers[name]))
        with transaction.mark_for_rollback_on_error(using=using), connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.rowcount


class _StandIn:
    """A value's place in a compiled INSERT: row `row`, column `column`."""

    __slots__ = ("column", "row")

    def __init__(self, row: int, column: int):
        self.row, self.column = row, column


@functools.cache
def _stand_in_insert_compiler(base: type) -> type:
    """The backend's INSERT compiler, taking each value as it is (a `_StandIn`)."""

    class StandIns(base):  # type: ignore[valid-type, misc]
        def pre_save_val(self, field, obj):
            return obj[self.query.fields.index(field)]

        def prepare_value(self, field, value):
            return value

    return StandIns


class _InsertPlan:
    def __init__(self, sql: str, layout: list[tuple[int | None, int]], converters: list):
        self.sql, self.layout, self.converters = sql, layout, converters


class PreparedInsert(Generic[M]):
    """`bulk_create(instances)` of new instances of `model`: the INSERT … RETURNING compiled once
    per connection and number of rows, by the backend's own compiler with stand-ins for the
    values (so the SQL is the ORM's: PostgreSQL's UNNEST of one array a column, or a VALUES
    row a row), then run with each call's values, prepared as `bulk_create` prepares them
    (`pre_save`, `get_db_prep_save`). The instances get their ids and are marked saved, as
    `bulk_create` leaves them; no signal is sent (nor does `bulk_create` send one).

    Anything else takes `bulk_create` itself: an instance with its id set, a value that is an
    expression (or the database's default), a field with a placeholder of its own, a backend
    that cannot return the ids of a multi-row INSERT, more rows than one statement takes.
    """

    def __init__(self, model: type[M]):
        self._model = model
        self._plans: weakref.WeakKeyDictionary[Any, dict[int, _InsertPlan | None]] = (
            weakref.WeakKeyDictionary()
        )

    def _fields(self) -> list:
        return [
            f
            for f in self._model._meta.concrete_fields
            if not f.generated and not isinstance(f, AutoField)
        ]

    def _compile(self, connection, using: str, count: int) -> _InsertPlan | None:
        fields = self._fields()
        opts = self._model._meta
        if any(hasattr(field, "get_placeholder") for field in fields):
            return None
        query = InsertQuery(self._model)
        query.insert_values(
            fields,
            [[_StandIn(row, column) for column in range(len(fields))] for row in range(count)],
        )
        compiler = _stand_in_insert_compiler(connection.ops.compiler("SQLInsertCompiler"))(
            query, connection, using
        )
        compiler.returning_fields = opts.db_returning_fields
        statements = compiler.as_sql()
        if len(statements) != 1:
            return None
        sql, params = statements[0]
        layout: list[tuple[int | None, int]] = []
        for param in params:
            if isinstance(param, _StandIn):
                layout.append((param.row, param.column))
            elif (
                isinstance(param, list)
                and all(isinstance(p, _StandIn) for p in param)
                and [p.row for p in param] == list(range(count))
                and len({p.column for p in param}) == 1
            ):
                layout.append((None, param[0].column))  # one column's values, as an array
            else:
                return None
        placed = [
            (row, column)
            for at, column in layout
            for row in ([at] if at is not None else range(count))
        ]
        if sorted(placed) != [(r, c) for r in range(count) for c in range(len(fields))]:
            return None  # each value in one place, or not this shape
        columns = [field.get_col(opts.db_table) for field in opts.db_returning_fields]
        return _InsertPlan(sql, layout, list(compiler.get_converters(columns).items()))

    def _orm(self, instances: list[M], using: str) -> list[M]:
        return self._model._default_manager.db_manager(using).bulk_create(instances)

    def create(self, instances: list[M], *, using: str = "default") -> list[M]:
        """Insert the instances (new ones: no id), as `bulk_create` does; returns them."""
        if not instances:
            return instances
        connection = connections[using]
        fields = self._fields()
        if (
            not isinstance(self._model._meta.pk, AutoField)  # an id the database makes
            or not connection.features.can_return_rows_from_bulk_insert
            or len(instances) > max(connection.ops.bulk_batch_size(fields, instances), 1)
        ):
            return self._orm(instances, using)
        rows = []
        for instance in instances:
            instance._prepare_related_fields_for_save(operation_name="bulk_create")
            if instance._is_pk_set():
                return self._orm(instances, using)
            row = []
            for field in fields:
                value = field.pre_save(instance, add=True)
                if hasattr(value, "resolve_expression"):
                    return self._orm(instances, using)
                prepared = field.get_db_prep_save(value, connection=connection)
                if hasattr(prepared, "as_sql"):
                    return self._orm(instances, using)
                row.append(prepared)
            rows.append(row)
        plans = self._plans.setdefault(connection, {})
        if len(rows) not in plans:
            plans[len(rows)] = self._compile(connection, using, len(rows))
        plan = plans[len(rows)]
        if plan is None:
            return self._orm(instances, using)
        params = [
            rows[at][column] if at is not None else [row[column] for row in rows]
            for at, column in plan.layout
        ]
        with transaction.mark_for_rollback_on_error(using=using), connection.cursor() as cursor:
            cursor.execute(plan.sql, params)
            returned = cursor.fetchall()
        returning = self._model._meta.db_returning_fields
        for instance, values in zip(instances, returned, strict=True):
            values = list(values)
            for position, (converters, expression) in plan.converters:
                for converter in converters:
                    values[position] = converter(values[position], expression, connection)
            for field, value in zip(returning, values, strict=True):
                setattr(instance, field.attname, value)
            instance._state.adding = False
            instance._state.db = using
        return instances
