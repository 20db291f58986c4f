"""A staff read's audit row: written every time, without waiting for the disk on PostgreSQL,
and never loosening the durability of anything else."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from vault import audit
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


@pytest.mark.django_db(transaction=True)
def test_an_identical_api_read_is_recorded_once_a_minute_anything_else_each_time(monkeypatch):
    minute = [datetime(2026, 12, 7, 10, 0, tzinfo=UTC)]
    monkeypatch.setattr(audit, "this_minute", lambda: minute[0])
    trend = "/api/school/cohorts/1/trend?measure=mood"

    for _ in range(3):
        record_read("staff_api_read", actor_id=7, school_id=3, repeat_of=trend)
    record_read("staff_api_read", actor_id=7, school_id=3, repeat_of=trend + "&weeks=26")
    record_read("staff_api_read", actor_id=8, school_id=3, repeat_of=trend)  # another reader
    record_read("staff_api_read", actor_id=7, school_id=4, repeat_of=trend)  # another school
    record_read("staff_dashboard_viewed", actor_id=7, school_id=3)  # no address: every time
    record_read("staff_dashboard_viewed", actor_id=7, school_id=3)
    minute[0] += timedelta(minutes=1)
    record_read("staff_api_read", actor_id=7, school_id=3, repeat_of=trend)

    rows = list(AuditEvent.objects.order_by("pk").values_list("kind", "actor", "school_id"))
    assert rows == [
        ("staff_api_read", actor_ref(7), 3),
        ("staff_api_read", actor_ref(7), 3),
        ("staff_api_read", actor_ref(8), 3),
        ("staff_api_read", actor_ref(7), 4),
        ("staff_dashboard_viewed", actor_ref(7), 3),
        ("staff_dashboard_viewed", actor_ref(7), 3),
        ("staff_api_read", actor_ref(7), 3),
    ]


@pytest.mark.django_db(transaction=True)
def test_a_read_inside_a_transaction_is_written_each_time_and_a_failed_write_is_retried():
    trend = "/api/school/cohorts/1/trend?measure=mood"
    with pytest.raises(RuntimeError), transaction.atomic():
        record_read("staff_api_read", actor_id=7, school_id=3, repeat_of=trend)
        raise RuntimeError  # rolled back: nothing may count as recorded
    record_read("staff_api_read", actor_id=7, school_id=3, repeat_of=trend)
    with transaction.atomic():
        record_read("staff_api_read", actor_id=7, school_id=3, repeat_of=trend)

    assert AuditEvent.objects.count() == 2
