"""A check-in request asks the database few questions: its session, its user, then the
service's own (the lock, the day's row, the write, the rollup cells with the student's share
in them, the writes of those). Everything else a request needs is in the session."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import make_student

ANSWERS = {
    "mood": "3", "stress": "4", "energy": "2", "sleep_hours": "6", "sleep_quality": "3",
    "loneliness": "2", "purpose": "4", "moved": "on",
}  # fmt: skip
MOST_STATEMENTS = 8

pytestmark = pytest.mark.django_db


def statements_of(client, answers) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.post(reverse("checkin"), answers)
    assert response.status_code == 302 and response["Location"] == reverse("checkin")
    # Savepoints are the test's transaction around the service's (BEGIN outside tests).
    return [q["sql"] for q in queries if "SAVEPOINT" not in q["sql"]]


def test_a_first_checkin_of_the_day_takes_at_most_eight_statements(client, student, cohort):
    classmate = make_student(cohort, "peer@riverside.example")
    client.force_login(classmate)
    client.post(reverse("checkin"), ANSWERS)  # this week's cells exist, as they mostly do
    client.force_login(student)

    statements = statements_of(client, ANSWERS)

    assert len(statements) <= MOST_STATEMENTS, "\n".join(statements)
    assert not [sql for sql in statements if "schools_staffmembership" in sql]


def test_a_resubmit_takes_at_most_eight_statements(client, student):
    client.force_login(student)
    client.post(reverse("checkin"), ANSWERS)

    statements = statements_of(client, {**ANSWERS, "mood": "5"})

    assert len(statements) <= MOST_STATEMENTS, "\n".join(statements)
