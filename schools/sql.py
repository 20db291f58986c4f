"""Plain statements for the one hot path where compiling an ORM query costs more than running
it: a student's check-in, which reads and writes a handful of rows under a lock (on SQLite, the
whole database's), so every microsecond spent there is spent by every writer waiting behind it.

The SQL is built from the model's own metadata (table, columns, each field's conversion to and
from the database), so a renamed field cannot drift from it; rows come back as model instances
through `Model.objects.raw`, with the same converters as any ORM query.
"""

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection, models
from django.db.transaction import TransactionManagementError


def table(model: type[models.Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def column(model: type[models.Model], name: str) -> str:
    return connection.ops.quote_name(model._meta.get_field(name).column)


def value(model: type[models.Model], name: str, python_value: Any) -> Any:
    """`python_value` as the database expects it for field `name` (dates on SQLite, say)."""
    return model._meta.get_field(name).get_db_prep_value(python_value, connection)


def placeholders(values: Sequence) -> str:
    if not values:
        raise ValueError("An IN list needs at least one value.")
    return ", ".join(["%s"] * len(values))


def _select(model, what: str, where: str, order_by: str, for_update: bool) -> str:
    statement = f"SELECT {what} FROM {table(model)} WHERE {where}"  # noqa: S608  # nosec B608
    if order_by:
        statement += f" ORDER BY {order_by}"
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
) -> list:
    """Instances of `model` matching `where` (columns named as in the table), optionally
    locked for the rest of the transaction where the database has row locks."""
    return list(model.objects.raw(_select(model, "*", where, order_by, for_update), params))


def tuples(
    model: type[models.Model],
    fields: Sequence[str],
    where: str,
    params: Sequence,
    *,
    order_by: str = "",
    for_update: bool = False,
) -> list[tuple]:
    """The database's own values of `fields` for the rows matching `where`, as plain tuples:
    no model instance is built, and no converter runs (JSON comes back as text, as the driver
    gives it). For rows read by the dozen on the hot path."""
    what = ", ".join(column(model, name) for name in fields)
    with connection.cursor() as cursor:
        cursor.execute(_select(model, what, where, order_by, for_update), params)
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
    pk = connection.ops.quote_name(model._meta.pk.column)
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {table(model)} SET {assignments} WHERE {pk} = %s",  # noqa: S608  # nosec B608
            params,
        )


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
