"""The JSON fixture format, with faults that name the line, the object and the field.

Registered for "json" in `SERIALIZATION_MODULES`, so `loaddata` (and anything else that reads JSON
fixtures) uses it; writing is Django's own serializer, unchanged. It reads exactly what Django's
JSON deserializer reads, and where Django fails with a bare `DeserializationError` deep in a
traceback (bad JSON, an unknown model or field, a value of the wrong type, a natural key that
names nothing, which Django only notices as "NOT NULL constraint failed"), it raises a
`FixtureFault` that says where and what: `loaddata` turns it into its one-paragraph error.

Text is checked too (`quizzes.cleaning.text_problem`): a NUL, which SQLite would store and
PostgreSQL refuses, and a lone surrogate, which neither can store, are faults on both.
"""

from __future__ import annotations

import json

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.serializers import base
from django.core.serializers.json import Serializer  # noqa: F401 (writing is Django's)
from django.core.serializers.python import Deserializer as PythonDeserializer
from django.db import models

from quizzes.cleaning import text_problems


class FixtureFault(base.DeserializationError):
    """A fault in one fixture file: where (line, object), what field, and why."""

    def __init__(self, reason: str, *, line=None, obj=None, field=None, file=None):
        self.reason, self.line, self.obj, self.field, self.file = reason, line, obj, field, file
        super().__init__(self.describe())

    def describe(self, file_shown: str | None = None) -> str:
        where = ", ".join(
            part
            for part in (file_shown or self.file, f"line {self.line}" if self.line else None)
            if part
        )
        parts = [where, self.obj, self.field, self.reason]
        return ": ".join(part for part in parts if part)


def rows_with_lines(text: str) -> list[tuple[int, object]]:
    """The fixture's top-level JSON list, each item with the line it starts on.

    >>> rows_with_lines('[\\n {"a": 1},\\n {"b": 2}\\n]')
    [(2, {'a': 1}), (3, {'b': 2})]
    """
    decoder = json.JSONDecoder()
    position = _skip_space(text, 0)
    if not text.startswith("[", position):
        if position == len(text):
            return []
        raise FixtureFault("the file must hold a JSON list of objects, [{…}, …]", line=1)
    rows: list[tuple[int, object]] = []
    position = _skip_space(text, position + 1)
    try:
        if text.startswith("]", position):
            _expect_end(text, position + 1)
            return rows
        while True:
            line = text.count("\n", 0, position) + 1
            value, position = decoder.raw_decode(text, position)
            rows.append((line, value))
            position = _skip_space(text, position)
            if text.startswith(",", position):
                position = _skip_space(text, position + 1)
                continue
            if text.startswith("]", position):
                _expect_end(text, position + 1)
                return rows
            raise json.JSONDecodeError("Expecting ',' delimiter", text, position)
    except json.JSONDecodeError as exc:
        reason = f"not valid JSON: {exc.msg} (column {exc.colno})"
        raise FixtureFault(reason, line=exc.lineno) from None


def _skip_space(text: str, position: int) -> int:
    while position < len(text) and text[position] in " \t\n\r":
        position += 1
    return position


def _expect_end(text: str, position: int) -> None:
    position = _skip_space(text, position)
    if position != len(text):
        raise json.JSONDecodeError("Extra data", text, position)


def describe_row(model, fields: dict) -> str:
    """ "quizzes.Fact ['ht-paris']": the model and, where the row names it, its key or slug."""
    label = model._meta.label if isinstance(model, type) else str(model)
    for name in ("key", "slug", "username", "name"):
        if isinstance(fields.get(name), str):
            return f"{label} [{fields[name]!r}]"
    return label


class Deserializer(PythonDeserializer):
    """Django's JSON deserializer, faulting with the line, the object and the field."""

    def __init__(self, stream_or_string, **options):
        self.file = getattr(stream_or_string, "name", None)
        text = stream_or_string
        if not isinstance(text, bytes | str):
            text = text.read()
        if isinstance(text, bytes):
            try:
                text = text.decode()
            except UnicodeDecodeError as exc:
                reason = f"not UTF-8 text ({exc.reason} at byte {exc.start})"
                raise FixtureFault(reason, file=self.file) from exc
        try:
            rows = rows_with_lines(text)
        except FixtureFault as fault:
            fault.file = self.file
            raise
        self._lines = iter([line for line, _ in rows])
        super().__init__([row for _, row in rows], **options)

    def _handle_object(self, obj):
        line = next(self._lines)
        at = {"file": self.file, "line": line}
        if not (isinstance(obj, dict) and isinstance(obj.get("fields", {}), dict)):
            raise FixtureFault('each object must be {"model": …, "fields": {…}}', **at)
        fields = obj.get("fields", {})
        try:
            model = apps.get_model(obj.get("model"))
        except (LookupError, TypeError, ValueError):
            if self.ignorenonexistent:
                return
            name = obj.get("model")
            raise FixtureFault(f"unknown model {name!r}" if name else 'no "model"', **at) from None
        self._where = {**at, "obj": describe_row(model, fields)}
        self._check_fields(model, fields)
        try:
            for deserialized in super()._handle_object(obj):
                deserialized.fixture_file = self.file
                deserialized.fixture_line = line
                deserialized.fixture_object = self._where["obj"]
                yield deserialized
        except FixtureFault:
            raise
        except base.DeserializationError as exc:
            if isinstance(exc.__context__, FixtureFault):
                raise exc.__context__ from None
            raise FixtureFault(str(exc), **self._where) from exc
        except Exception as exc:
            raise FixtureFault(str(exc), **self._where) from exc

    def _check_fields(self, model, fields: dict) -> None:
        """What Django's deserializer would fail on without naming the field."""
        for name, value in fields.items():
            try:
                field = model._meta.get_field(name)
            except FieldDoesNotExist:
                if self.ignorenonexistent:
                    continue
                reason = f"{model._meta.label} has no such field"
                raise FixtureFault(reason, field=name, **self._where) from None
            problems = text_problems({name: value})
            if problems:
                reason = _first_message(problems)
                raise FixtureFault(reason, field=name, **self._where)
            if field.is_relation:
                continue
            try:
                field.to_python(value)
            except ValidationError as exc:
                raise FixtureFault(" ".join(exc.messages), field=name, **self._where) from exc

    def _handle_fk_field_node(self, field, field_value):
        value = super()._handle_fk_field_node(field, field_value)
        if value == base.DEFER_FIELD and not field.null:
            # Django would save the row without it and fail on NOT NULL: no later row can fill a
            # required key in, so it names nothing.
            raise FixtureFault(missing_key(field, field_value), field=field.name, **self._where)
        return value


def missing_key(field: models.Field, value) -> str:
    """ "names nothing: no quizzes.Article has the natural key ['geneva']"."""
    return (
        f"names nothing: no {field.related_model._meta.label} has the natural key "
        f"{list(value) if isinstance(value, list | tuple) else value!r}"
    )


def _first_message(problems) -> str:
    while not isinstance(problems, str):
        if isinstance(problems, dict):
            problems = next(iter(problems.values()))
        else:
            problems = next(item for item in problems if item)
    return problems
