"""Sessions are Django's database sessions with the user in a column of their own, and the
identity a request needs (enrollment, school, cohort, time zone, staff role) rides in them."""

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.data_ownership import delete_account
from accounts.identity import SESSION_KEY as IDENTITY_KEY
from accounts.identity import Identity, refresh_identities
from accounts.models import Session
from conftest import PASSWORD, make_cohort, make_school
from lib.tokens import token_digest
from schools.models import Enrollment, StaffMembership, StaffRole
from schools.services import add_staff_member


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def session_of(client: Client) -> Session:
    return Session.objects.get(pk=client.cookies[settings.SESSION_COOKIE_NAME].value)


def test_the_configured_engine_and_backend_are_django_and_allauth_own():
    assert settings.SESSION_ENGINE == "accounts.sessions"
    assert settings.AUTHENTICATION_BACKENDS == [
        "allauth.account.auth_backends.AuthenticationBackend"
    ]


def test_signing_in_stores_the_user_and_the_students_identity_in_the_session(client, student):
    client.post(reverse("account_login"), {"login": student.email, "password": PASSWORD})

    session = session_of(client)
    enrollment = Enrollment.objects.select_related("school").get(student=student)
    assert session.user_id == student.pk
    assert session.get_decoded()[SESSION_KEY] == str(student.pk)
    assert session.get_decoded()[IDENTITY_KEY] == {
        "enrollment_id": enrollment.pk,
        "school_id": enrollment.school_id,
        "cohort_id": enrollment.cohort_id,
        "timezone": enrollment.school.timezone,
        "staff_school_id": None,
        "staff_role": None,
    }


def test_a_checkin_request_reads_no_staff_role_and_the_enrollment_only_to_lock_it(student):
    client = signed_in(student)
    answers = {"mood": "3", "stress": "4", "energy": "2", "sleep_hours": "6"}
    answers.update(sleep_quality="3", loneliness="2", purpose="4")

    with CaptureQueriesContext(connection) as queries:
        assert client.post(reverse("checkin"), answers).status_code == 302

    statements = [q["sql"] for q in queries]
    assert not [sql for sql in statements if "schools_staffmembership" in sql]
    # Only the service's lock (checkins.services.record_checkin) reads it.
    assert len([sql for sql in statements if 'FROM "schools_enrollment"' in sql]) == 1


def test_a_session_from_before_is_filled_in_on_its_first_request(student):
    client = signed_in(student)
    session = client.session
    del session[IDENTITY_KEY]
    session.save()

    assert client.get(reverse("checkin")).status_code == 200

    stored = session_of(client).get_decoded()[IDENTITY_KEY]
    assert stored["cohort_id"] == student.enrollment.cohort_id


def test_a_new_staff_role_reaches_every_session_of_that_user(db):
    school = make_school()
    user = add_staff_member(school=school, email="dean@riverside.example", role=StaffRole.DEAN)
    user = user.user
    phone, laptop = signed_in(user), signed_in(user)
    other = make_school("northbrook", "Northbrook")

    StaffMembership.objects.filter(user=user).delete()
    for client in (phone, laptop):
        assert session_of(client).get_decoded()[IDENTITY_KEY]["staff_role"] is None
    add_staff_member(school=other, email=user.email, role=StaffRole.EDUCATOR)

    for client in (phone, laptop):
        identity = Identity(**session_of(client).get_decoded()[IDENTITY_KEY])
        assert (identity.staff_school_id, identity.staff_role) == (other.pk, "educator")


def test_a_cohort_change_and_a_school_time_zone_change_reach_the_students_sessions(student):
    client = signed_in(student)
    enrollment = student.enrollment
    later = make_cohort(enrollment.school, 2030)

    enrollment.cohort = later
    enrollment.save()
    school = enrollment.school
    school.timezone = "Europe/Dublin"
    school.save()

    identity = Identity(**session_of(client).get_decoded()[IDENTITY_KEY])
    assert (identity.cohort_id, identity.timezone) == (later.pk, "Europe/Dublin")


def test_the_enrollment_from_the_session_loads_other_fields_when_read(student):
    enrollment = Enrollment.objects.select_related("school").get(student=student)
    identity = Identity(
        enrollment_id=enrollment.pk,
        school_id=enrollment.school_id,
        cohort_id=enrollment.cohort_id,
        timezone=enrollment.school.timezone,
    )

    built = identity.enrollment(student)

    assert (built.pk, built.school_id, built.cohort_id) == (
        enrollment.pk,
        enrollment.school_id,
        enrollment.cohort_id,
    )
    with CaptureQueriesContext(connection) as queries:
        assert built.school.timezone == enrollment.school.timezone
    assert len(queries) == 0
    assert built.school.name == enrollment.school.name  # deferred: read when asked
    assert built.joined_at == enrollment.joined_at


def test_deleting_a_user_deletes_their_sessions_and_no_one_elses(student, classmate):
    phone, laptop, other = signed_in(student), signed_in(student), signed_in(classmate)

    with CaptureQueriesContext(connection) as queries:
        delete_account(user=student)

    assert not Session.objects.filter(user_id=student.pk).exists()
    assert Session.objects.filter(user=classmate).count() == 1
    # Found by their user column: no session of anyone else is read, let alone decoded.
    reads = [q["sql"] for q in queries if 'FROM "accounts_session"' in q["sql"]]
    assert reads and all('"user_id"' in sql for sql in reads)
    assert phone.get(reverse("checkin")).status_code == 302
    assert laptop.get(reverse("checkin")).status_code == 302
    assert other.get(reverse("checkin")).status_code == 200


def test_a_deactivated_user_is_signed_out(client, student):
    client = signed_in(student)
    assert client.get(reverse("checkin")).status_code == 200

    student.is_active = False
    student.save(update_fields=["is_active"])

    response = client.get(reverse("checkin"))
    assert response.status_code == 302 and reverse("account_login") in response["Location"]


# Session keys are stored hashed (issue 19, item 9): a copy of the database opens no session.


def test_the_database_holds_only_the_digest_of_the_session_cookie(client, student):
    client.post(reverse("account_login"), {"login": student.email, "password": PASSWORD})
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value

    stored = list(Session.objects.filter(user=student).values_list("session_key", flat=True))
    assert stored == [token_digest(cookie)]
    with connection.cursor() as cursor:
        cursor.execute("SELECT session_key FROM accounts_session")
        raw_column = [row[0] for row in cursor.fetchall()]
    assert cookie not in raw_column and token_digest(cookie) in raw_column


def test_a_stored_key_sent_as_a_cookie_opens_nothing(client, student):
    client.post(reverse("account_login"), {"login": student.email, "password": PASSWORD})
    assert client.get(reverse("my_data")).status_code == 200
    stored = Session.objects.get(user=student).session_key

    thief = Client()
    thief.cookies[settings.SESSION_COOKIE_NAME] = stored
    response = thief.get(reverse("my_data"))

    assert response.status_code == 302 and reverse("account_login") in response["Location"]
    assert Session.objects.filter(user=student).count() == 1  # the student's session is intact


def test_signing_out_deletes_the_hashed_row_and_key_rotation_replaces_it(client, student):
    client.post(reverse("account_login"), {"login": student.email, "password": PASSWORD})
    first = client.cookies[settings.SESSION_COOKIE_NAME].value
    client.post(reverse("account_logout"))

    assert not Session.objects.filter(user=student).exists()
    assert not Session.objects.filter(pk=first).exists()


def test_rewriting_identities_saves_loaded_rows_without_hashing_them_again(student):
    client = signed_in(student)
    StaffMembership.objects.create(
        user=student, school=student.enrollment.school, role=StaffRole.EDUCATOR
    )
    assert refresh_identities([student.pk]) == 1

    assert client.get(reverse("my_data")).status_code == 200  # still signed in
    assert session_of(client).get_decoded()[IDENTITY_KEY]["staff_role"] == "educator"


@pytest.mark.django_db(transaction=True)
def test_the_migration_hashes_existing_keys_so_nobody_is_signed_out(student):
    client = signed_in(student)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    columns = "session_data, expire_date, user_id"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns} FROM accounts_session")  # noqa: S608  (fixed names)
        row = cursor.fetchone()
    executor = MigrationExecutor(connection)
    executor.migrate([("accounts", "0004_session_with_user")])  # going back signs out
    with connection.cursor() as cursor:  # the session as it was stored before: key as is
        cursor.execute(
            f"INSERT INTO accounts_session (session_key, {columns}) VALUES (%s, %s, %s, %s)",  # noqa: S608
            [cookie, *row],
        )
    try:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
    finally:
        MigrationExecutor(connection).migrate(
            MigrationExecutor(connection).loader.graph.leaf_nodes()
        )

    with connection.cursor() as cursor:
        cursor.execute("SELECT session_key FROM accounts_session")
        assert [row[0] for row in cursor.fetchall()] == [token_digest(cookie)]
    assert client.get(reverse("my_data")).status_code == 200
