"""Plain statements for the one hot path where compiling an ORM query costs more than running
it: a student's check-in, which reads and writes a handful of rows under a lock (on SQLite, the
whole database's), so every microsecond spent there is spent by every writer waiting behind it.

The SQL is built from the model's own metadata (table, columns, each field's conversion to and
from the database), so a renamed field cannot drift from it; rows come back as model instances
through the same converters as any ORM query.
"""

import json
from collections.abc import Callable, Iterable, Sequence
from functools import cache
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections, models
from django.db.transaction import TransactionManagementError


def _db():
    # The real connection, looked up once per statement: every attribute read through
    # `django.db.connection` looks it up again, and the hot path reads dozens.
    return connections[DEFAULT_DB_ALIAS]


def table(model: type[models.Model]) -> str:
    return _quoted(model._meta.db_table, _db().vendor)


def column(model: type[models.Model], name: str) -> str:
    return _quoted(model._meta.get_field(name).column, _db().vendor)


@cache
def _quoted(name: str, vendor: str) -> str:
    # Quoting depends on the database only; the hot path quotes the same dozen names each time.
    return _db().ops.quote_name(name)


def value(model: type[models.Model], name: str, python_value: Any) -> Any:
    """`python_value` as the database expects it for field `name` (dates on SQLite, say)."""
    return model._meta.get_field(name).get_db_prep_value(python_value, _db())


def placeholders(values: Sequence) -> str:
    if not values:
        raise ValueError("An IN list needs at least one value.")
    return ", ".join(["%s"] * len(values))


def _select(
    db,
    source: str,
    what: str,
    where: str,
    order_by: str,
    for_update: bool,
    limit: int | None = None,
) -> str:
    statement = f"SELECT {what} FROM {source} WHERE {where}"  # noqa: S608  # nosec B608
    if order_by:
        statement += f" ORDER BY {order_by}"
    if limit is not None:
        statement += f" LIMIT {int(limit)}"
    if for_update:
        if not db.in_atomic_block:
            # As the ORM's select_for_update: outside a transaction the lock would end at once.
            raise TransactionManagementError("A locking read needs a transaction.")
        if db.features.has_select_for_update:
            statement += " FOR UPDATE"
    return statement


def rows(
    model: type[models.Model],
    where: str,
    params: Sequence,
    *,
    order_by: str = "",
    for_update: bool = False,
    related: Sequence[str] = (),
    limit: int | None = None,
) -> list:
    """Instances of `model` matching `where` (columns named as in the table), optionally
    locked for the rest of the transaction where the database has row locks. (As
    `Model.objects.raw` would give, without the cost of its query machinery.)

    `related` names foreign keys to load in the same statement, as `select_related` does; a
    column name that the joined tables share must then be qualified in `where` (say, with
    `table(model)`), or the database refuses it as ambiguous."""
    if related and for_update:
        raise ValueError("A locking read locks one table's rows: read the related rows after.")
    db = _db()
    source, what, parts = _shape(model, tuple(related), db.vendor)
    with db.cursor() as cursor:
        cursor.execute(_select(db, source, what, where, order_by, for_update, limit), params)
        found = cursor.fetchall()
    instances = []
    for row in found:
        instance = _instance(db, model, row[: parts[0][1]])
        start = parts[0][1]
        for part, width, key in parts[1:]:
            key.set_cached_value(instance, _instance(db, part, row[start : start + width]))
            start += width
        instances.append(instance)
    return instances


@cache
def _shape(model: type[models.Model], related: tuple[str, ...], vendor: str):
    """The FROM clause, the column list and, for each model read, (model, column count,
    foreign key) of a `rows` statement: the same for every call, so built once."""
    base = _quoted(model._meta.db_table, vendor)
    source, parts = base, [(model, base, None)]
    for number, name in enumerate(related):
        key = model._meta.get_field(name)
        other, alias = key.related_model, f"related_{number}"
        source += (
            f" {'LEFT' if key.null else 'INNER'} JOIN {_quoted(other._meta.db_table, vendor)}"
            f" {alias} ON {alias}.{_quoted(other._meta.pk.column, vendor)}"
            f" = {base}.{_quoted(key.column, vendor)}"
        )
        parts.append((other, alias, key))
    what = ", ".join(
        f"{alias}.{_quoted(f.column, vendor)}"
        for part, alias, _ in parts
        for f in part._meta.concrete_fields
    )
    return source, what, [(part, len(part._meta.concrete_fields), key) for part, _, key in parts]


def _instance(db, model: type[models.Model], values: Sequence) -> models.Model | None:
    """A model instance from its columns' database values (None for a LEFT JOIN that found
    nothing), converted as the ORM converts them."""
    if values[model._meta.concrete_fields.index(model._meta.pk)] is None:
        return None
    values = list(values)
    for index, expression, functions in _converters(model, db.vendor):
        for convert in functions:
            values[index] = convert(values[index], expression, db)
    return model.from_db(db.alias, None, values)


@cache
def _converters(model: type[models.Model], vendor: str) -> list[tuple[int, Any, list[Callable]]]:
    """What the ORM's compiler applies to each column of `model` as it comes from the database
    (the backend's converters, then the field's own), for the columns that have any. They
    depend on the database and the settings only, so they are worked out once."""
    db, found = _db(), []
    for index, field in enumerate(model._meta.concrete_fields):
        column = field.get_col(model._meta.db_table)
        functions = db.ops.get_db_converters(column) + column.get_db_converters(db)
        if functions:
            found.append((index, column, functions))
    return found


def tuples(
    model: type[models.Model],
    fields: Sequence[str],
    where: str,
    params: Sequence,
    *,
    order_by: str = "",
    for_update: bool = False,
    limit: int | None = None,
    also: Sequence[str] = (),
) -> list[tuple]:
    """The database's own values of `fields` for the rows matching `where` (at most `limit`),
    as plain tuples: no model instance is built, and no converter runs (JSON comes back as
    text, as the driver gives it). For rows read by the dozen on the hot path.

    `also` adds SELECT expressions after the fields (see `json_text`); the parameters of their
    placeholders come first in `params`, before those of `where`."""
    db = _db()
    what = ", ".join(
        [_quoted(model._meta.get_field(name).column, db.vendor) for name in fields] + list(also)
    )
    source = _quoted(model._meta.db_table, db.vendor)
    with db.cursor() as cursor:
        cursor.execute(_select(db, source, what, where, order_by, for_update, limit), params)
        return cursor.fetchall()


def json_text(model: type[models.Model], name: str) -> str:
    """A SELECT expression (for `tuples(also=...)`) giving the JSON text of one key of the JSON
    field `name`, or NULL where the key is absent; its one parameter is `json_key(key)`."""
    db = _db()
    if db.vendor == "postgresql":
        return f"{column(model, name)} ->> %s"
    return f"json_extract({column(model, name)}, %s)"  # SQLite's JSON1, as Django's own


def json_key(key: str) -> str:
    """The parameter `json_text` takes for `key`."""
    if _db().vendor == "postgresql":
        return key
    return "$." + json.dumps(key)  # a quoted path member, as Django's KeyTransform writes it


def update(model: type[models.Model], objects: Iterable[models.Model], fields: list[str]) -> None:
    """UPDATE each object's `fields` with one prepared statement. (The ORM's bulk_update builds a
    CASE expression per field and row, which costs more than the check-in itself.)"""
    db, columns = _db(), [model._meta.get_field(name) for name in fields]
    update_values(
        model,
        fields,
        [
            [f.get_db_prep_save(getattr(obj, f.attname), db) for f in columns] + [obj.pk]
            for obj in objects
        ],
    )


def update_values(model: type[models.Model], fields: list[str], params: list[Sequence]) -> None:
    """UPDATE `fields` of many rows with one prepared statement. Each entry of `params` holds
    the database values of `fields`, in order, then the row's primary key."""
    if not params:
        return
    db = _db()
    assignments = ", ".join(
        f"{_quoted(model._meta.get_field(name).column, db.vendor)} = %s" for name in fields
    )
    pk = _quoted(model._meta.pk.column, db.vendor)
    with db.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {table(model)} SET {assignments} WHERE {pk} = %s",  # noqa: S608  # nosec B608
            params,
        )


def create(obj: models.Model) -> models.Model:
    """INSERT one new object with one plain statement and read back its primary key, as
    `save()` would (auto_now fields are stamped the same way), without compiling a query.
    No model signal is sent."""
    db, model = _db(), type(obj)
    fields, statement, returning = _insert_statement(model, db.vendor)
    values = [f.get_db_prep_save(f.pre_save(obj, True), db) for f in fields]
    with db.cursor() as cursor:
        cursor.execute(statement, values)
        obj.pk = cursor.fetchone()[0] if returning else cursor.lastrowid
    obj._state.adding, obj._state.db = False, db.alias
    return obj


@cache
def _insert_statement(model: type[models.Model], vendor: str):
    """The fields, the statement and whether it returns the key, for `create`: built once."""
    db = _db()
    fields = [f for f in model._meta.concrete_fields if f is not model._meta.auto_field]
    names = ", ".join(_quoted(f.column, vendor) for f in fields)
    table_name = _quoted(model._meta.db_table, vendor)
    statement = f"INSERT INTO {table_name} ({names}) VALUES ({placeholders(fields)})"  # noqa: S608  # nosec B608
    returning = db.features.can_return_columns_from_insert
    if returning:
        statement += f" RETURNING {_quoted(model._meta.pk.column, vendor)}"
    return fields, statement, returning


def insert(model: type[models.Model], objects: Iterable[models.Model], fields: list[str]) -> None:
    """INSERT the objects' `fields` with one prepared statement. Their primary keys are not
    read back: for rows the caller does not use again in this transaction."""
    db, columns = _db(), [model._meta.get_field(name) for name in fields]
    insert_values(
        model,
        fields,
        [[f.get_db_prep_save(getattr(obj, f.attname), db) for f in columns] for obj in objects],
    )


def insert_values(model: type[models.Model], fields: list[str], params: list[Sequence]) -> None:
    """INSERT many rows with one prepared statement; each entry of `params` holds the database
    values of `fields`, in order. Primary keys are not read back."""
    if not params:
        return
    db = _db()
    names = ", ".join(_quoted(model._meta.get_field(name).column, db.vendor) for name in fields)
    with db.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {table(model)} ({names}) VALUES ({placeholders(fields)})",  # noqa: S608  # nosec B608
            params,
        )
