"""Plain statements for the one hot path where compiling an ORM query costs more than running
it: a student's check-in, which reads and writes a handful of rows under a lock (on SQLite, the
whole database's), so every microsecond spent there is spent by every writer waiting behind it.

The SQL is built from the model's own metadata (table, columns, each field's conversion to and
from the database), so a renamed field cannot drift from it; rows come back as model instances
through the same converters as any ORM query.
"""

from collections.abc import Callable, Iterable, Sequence
from functools import cache
from typing import Any

from django.db import connection, models
from django.db.transaction import TransactionManagementError


def table(model: type[models.Model]) -> str:
    return _quoted(model._meta.db_table, connection.vendor)


def column(model: type[models.Model], name: str) -> str:
    return _quoted(model._meta.get_field(name).column, connection.vendor)


@cache
def _quoted(name: str, vendor: str) -> str:
    # Quoting depends on the database only; the hot path quotes the same dozen names each time.
    return connection.ops.quote_name(name)


def value(model: type[models.Model], name: str, python_value: Any) -> Any:
    """`python_value` as the database expects it for field `name` (dates on SQLite, say)."""
    return model._meta.get_field(name).get_db_prep_value(python_value, connection)


def placeholders(values: Sequence) -> str:
    if not values:
        raise ValueError("An IN list needs at least one value.")
    return ", ".join(["%s"] * len(values))


def _select(
    model,
    what: str,
    where: str,
    order_by: str,
    for_update: bool,
    limit: int | None = None,
    joins: str = "",
) -> str:
    statement = f"SELECT {what} FROM {table(model)}{joins} WHERE {where}"  # noqa: S608  # nosec B608
    if order_by:
        statement += f" ORDER BY {order_by}"
    if limit is not None:
        statement += f" LIMIT {int(limit)}"
    if for_update:
        if not connection.in_atomic_block:
            # As the ORM's select_for_update: outside a transaction the lock would end at once.
            raise TransactionManagementError("A locking read needs a transaction.")
        if connection.features.has_select_for_update:
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
    parts = [(model, table(model), None)]
    joins = ""
    for number, name in enumerate(related):
        key = model._meta.get_field(name)
        other, alias = key.related_model, f"related_{number}"
        on = f"{alias}.{_quoted(other._meta.pk.column, connection.vendor)}"
        joins += (
            f" {'LEFT' if key.null else 'INNER'} JOIN {table(other)} {alias}"
            f" ON {on} = {table(model)}.{_quoted(key.column, connection.vendor)}"
        )
        parts.append((other, alias, key))
    what = ", ".join(
        f"{alias}.{_quoted(f.column, connection.vendor)}"
        for part, alias, _ in parts
        for f in part._meta.concrete_fields
    )
    with connection.cursor() as cursor:
        cursor.execute(_select(model, what, where, order_by, for_update, limit, joins), params)
        found = cursor.fetchall()
    instances = []
    for row in found:
        start, loaded = 0, []
        for part, _, key in parts:
            width = len(part._meta.concrete_fields)
            loaded.append((_instance(part, row[start : start + width]), key))
            start += width
        instance = loaded[0][0]
        for other, key in loaded[1:]:
            key.set_cached_value(instance, other)
        instances.append(instance)
    return instances


def _instance(model: type[models.Model], values: Sequence) -> models.Model | None:
    """A model instance from its columns' database values (None for a LEFT JOIN that found
    nothing), converted as the ORM converts them."""
    if values[model._meta.concrete_fields.index(model._meta.pk)] is None:
        return None
    values = list(values)
    for index, expression, functions in _converters(model, connection.vendor):
        for convert in functions:
            values[index] = convert(values[index], expression, connection)
    return model.from_db(connection.alias, None, values)


@cache
def _converters(model: type[models.Model], vendor: str) -> list[tuple[int, Any, list[Callable]]]:
    """What the ORM's compiler applies to each column of `model` as it comes from the database
    (the backend's converters, then the field's own), for the columns that have any. They
    depend on the database and the settings only, so they are worked out once."""
    found = []
    for index, field in enumerate(model._meta.concrete_fields):
        column = field.get_col(model._meta.db_table)
        functions = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
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
) -> list[tuple]:
    """The database's own values of `fields` for the rows matching `where` (at most `limit`),
    as plain tuples: no model instance is built, and no converter runs (JSON comes back as
    text, as the driver gives it). For rows read by the dozen on the hot path."""
    what = ", ".join(column(model, name) for name in fields)
    with connection.cursor() as cursor:
        cursor.execute(_select(model, what, where, order_by, for_update, limit), params)
        return cursor.fetchall()


def update(model: type[models.Model], objects: Iterable[models.Model], fields: list[str]) -> None:
    """UPDATE each object's `fields` with one prepared statement. (The ORM's bulk_update builds a
    CASE expression per field and row, which costs more than the check-in itself.)"""
    columns = [model._meta.get_field(name) for name in fields]
    update_values(
        model,
        fields,
        [
            [f.get_db_prep_save(getattr(obj, f.attname), connection) for f in columns] + [obj.pk]
            for obj in objects
        ],
    )


def update_values(model: type[models.Model], fields: list[str], params: list[Sequence]) -> None:
    """UPDATE `fields` of many rows with one prepared statement. Each entry of `params` holds
    the database values of `fields`, in order, then the row's primary key."""
    if not params:
        return
    assignments = ", ".join(f"{column(model, name)} = %s" for name in fields)
    pk = _quoted(model._meta.pk.column, connection.vendor)
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {table(model)} SET {assignments} WHERE {pk} = %s",  # noqa: S608  # nosec B608
            params,
        )


def create(obj: models.Model) -> models.Model:
    """INSERT one new object with one plain statement and read back its primary key, as
    `save()` would (auto_now fields are stamped the same way), without compiling a query.
    No model signal is sent."""
    model = type(obj)
    fields = [f for f in model._meta.concrete_fields if f is not model._meta.auto_field]
    values = [f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields]
    names = ", ".join(_quoted(f.column, connection.vendor) for f in fields)
    statement = f"INSERT INTO {table(model)} ({names}) VALUES ({placeholders(fields)})"  # noqa: S608  # nosec B608
    returning = connection.features.can_return_columns_from_insert
    if returning:
        statement += f" RETURNING {_quoted(model._meta.pk.column, connection.vendor)}"
    with connection.cursor() as cursor:
        cursor.execute(statement, values)
        obj.pk = cursor.fetchone()[0] if returning else cursor.lastrowid
    obj._state.adding, obj._state.db = False, connection.alias
    return obj


def insert(model: type[models.Model], objects: Iterable[models.Model], fields: list[str]) -> None:
    """INSERT the objects' `fields` with one prepared statement. Their primary keys are not
    read back: for rows the caller does not use again in this transaction."""
    columns = [model._meta.get_field(name) for name in fields]
    insert_values(
        model,
        fields,
        [
            [f.get_db_prep_save(getattr(obj, f.attname), connection) for f in columns]
            for obj in objects
        ],
    )


def insert_values(model: type[models.Model], fields: list[str], params: list[Sequence]) -> None:
    """INSERT many rows with one prepared statement; each entry of `params` holds the database
    values of `fields`, in order. Primary keys are not read back."""
    if not params:
        return
    names = ", ".join(column(model, name) for name in fields)
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {table(model)} ({names}) VALUES ({placeholders(fields)})",  # noqa: S608  # nosec B608
            params,
        )
