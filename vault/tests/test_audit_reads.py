"""A staff read's audit row: written every time, without waiting for the disk on PostgreSQL,
and never loosening the durability of anything else."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from vault.audit import actor_ref, record_read
from vault.models import AuditEvent


def synchronous_commit() -> str | None:
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        return cursor.fetchone()[0]


@pytest.mark.django_db(transaction=True)
def test_each_read_writes_its_row_and_the_setting_ends_with_it():
    before = synchronous_commit()

    with CaptureQueriesContext(connection) as queries:
        record_read("staff_api_read", actor_id=7, school_id=3)
    record_read("staff_api_read", actor_id=7, school_id=3)

    rows = list(AuditEvent.objects.values_list("kind", "actor", "school_id"))
    assert rows == [("staff_api_read", actor_ref(7), 3)] * 2
    assert synchronous_commit() == before  # SET LOCAL: only the audit row's transaction
    asked = [q["sql"] for q in queries.captured_queries]
    assert ("SET LOCAL synchronous_commit TO OFF" in asked) == (connection.vendor == "postgresql")


@pytest.mark.django_db(transaction=True)
def test_inside_a_change_the_row_is_written_with_the_change_at_full_durability():
    before = synchronous_commit()
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        record_read("staff_api_read", actor_id=7, school_id=3)
        assert synchronous_commit() == before  # the change's commit is not loosened
    assert not any("synchronous_commit TO" in q["sql"] for q in queries.captured_queries)
    assert AuditEvent.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_read_rolled_back_with_its_transaction_leaves_no_row():
    with pytest.raises(RuntimeError), transaction.atomic():
        record_read("staff_api_read", actor_id=7, school_id=3)
        raise RuntimeError
    assert not AuditEvent.objects.exists()


def test_an_unknown_kind_is_refused():
    with pytest.raises(ValueError):
        record_read("staff_peeked", actor_id=7, school_id=3)
