"""The fixed cast every test can call on: a student, a classmate, staff of their school,
staff of another school and an operator, plus factories for more."""

import importlib
import os
import threading
import time
from collections.abc import Callable
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.apps import apps as django_apps
from django.db import close_old_connections, connection
from django.utils import timezone
from hypothesis import settings as hypothesis_settings

from accounts.models import User
from schools.models import (
    Cohort,
    Enrollment,
    InviteCode,
    RosterEntry,
    Rotation,
    School,
    StaffRole,
    VerifiedBy,
)
from schools.services import add_placement, add_staff_member

PASSWORD = "correct horse battery staple"

# In CI every property test replays the same examples, so a run fails for a reason that
# reproduces; locally each run explores new ones.
# No deadline anywhere: a test's speed is a benchmark's business, and a loaded machine would
# make a deadline fail a correct test.
hypothesis_settings.register_profile("ci", derandomize=True, deadline=None)
hypothesis_settings.register_profile("local", deadline=None)
hypothesis_settings.load_profile("ci" if os.environ.get("CI") == "true" else "local")


def pytest_collection_modifyitems(config, items):
    """A PostgreSQL run leaves out the tests about SQLite's own files (deselected, not skipped:
    with CI=true nothing is skipped), which the SQLite run of the same suite covers."""
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        return
    kept = [item for item in items if item.get_closest_marker("sqlite_only") is None]
    if len(kept) != len(items):
        config.hook.pytest_deselected(items=[i for i in items if i not in kept])
        items[:] = kept


@pytest.fixture(autouse=True)
def _rotation_catalogue(request):
    """Transactional tests (live server, backups) flush every table after they run, the
    rotation catalogue's data migration included: put it back for whichever test comes next."""
    marker = request.node.get_closest_marker("django_db")
    if marker is None and "db" not in request.fixturenames:
        return
    transactional = marker is not None and marker.kwargs.get("transaction", False)
    request.getfixturevalue("transactional_db" if transactional else "db")
    if not Rotation.objects.exists():
        migration = importlib.import_module("schools.migrations.0002_rotation_catalogue")
        migration.add_catalogue(django_apps, None)
        # And its declared groups (a later migration), which coarsening publishes by: without
        # them a test after a flush saw no "surgical rotations" (seen in CI, by test order).
        groups = importlib.import_module("schools.migrations.0004_rotation_schedules")
        groups.group_shared_catalogue(django_apps, None)


@pytest.fixture(autouse=True)
def _fresh_audit_memory():
    """A repeated identical API read is audited once a minute per process (vault.audit): each
    test starts as a fresh process would, whatever ids an earlier test's rows had."""
    from vault.audit import forget_recent_reads

    forget_recent_reads()


@pytest.fixture(autouse=True)
def _test_settings(settings):
    # A fast hasher: the tests exercise our code, not PBKDF2's 1M iterations.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Last week's figures are published on Monday, not on Wednesday: tests of what staff see
    # need not depend on the weekday they run on (tests of the grace period set it back).
    settings.PUBLICATION_GRACE_DAYS = 0
    # The manifest storage needs `collectstatic`; tests serve static files from their sources.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


def run_at_once(calls: list[Callable[[], object]]) -> list[BaseException]:
    """Run each call in its own thread, all released together, each closing its own database
    connection; return what they raised (for a test with transaction=True)."""
    barrier = threading.Barrier(len(calls))
    errors: list[BaseException] = []

    def run(call):
        try:
            barrier.wait()
            call()
        except BaseException as error:  # noqa: BLE001 - collected and returned
            errors.append(error)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def make_school(slug: str = "riverside", name: str = "Riverside Medical School") -> School:
    return School.objects.create(slug=slug, name=name)


def make_cohort(school: School, year: int = 2028) -> Cohort:
    return Cohort.objects.create(school=school, graduation_year=year)


def make_user(email: str, password: str = PASSWORD, **fields) -> User:
    user = User.objects.create_user(email=email, password=password, **fields)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


def make_student(
    cohort: Cohort, email: str, rotation: str | None = "surgery", *, on_roster: bool = True
) -> User:
    """A student with a verified email, enrolled in `cohort`: by default on the school's
    roster, so verified and counted, as a real school's students are."""
    user = make_user(email)
    if on_roster:
        RosterEntry.objects.create(school=cohort.school, email=email.lower(), cohort=cohort)
    Enrollment.objects.create(
        student=user,
        school=cohort.school,
        cohort=cohort,
        verified_at=timezone.now() if on_roster else None,
        verified_by=VerifiedBy.ROSTER if on_roster else "",
    )
    if rotation:
        today = timezone.localdate()
        add_placement(
            student=user,
            rotation=Rotation.objects.get(slug=rotation),
            starts_on=today - timedelta(days=10),
            ends_on=today + timedelta(days=20),
        )
    return user


def make_staff(school: School, email: str, role: str = StaffRole.EDUCATOR) -> User:
    return add_staff_member(school=school, email=email, role=role, password=PASSWORD).user


@pytest.fixture
def school(db) -> School:
    return make_school()


@pytest.fixture
def cohort(school) -> Cohort:
    return make_cohort(school)


@pytest.fixture
def invite(cohort) -> InviteCode:
    return InviteCode.objects.create(
        cohort=cohort, code="RIVER2028", expires_at=timezone.now() + timedelta(days=30)
    )


@pytest.fixture
def student(cohort) -> User:
    return make_student(cohort, "student@riverside.example", rotation="surgery")


@pytest.fixture
def classmate(cohort) -> User:
    return make_student(cohort, "classmate@riverside.example", rotation="psychiatry")


@pytest.fixture
def staff(school) -> User:
    return make_staff(school, "educator@riverside.example")


@pytest.fixture
def other_school(db) -> School:
    return make_school(slug="hillcrest", name="Hillcrest College of Medicine")


@pytest.fixture
def other_staff(other_school) -> User:
    return make_staff(other_school, "dean@hillcrest.example", role=StaffRole.DEAN)


@pytest.fixture
def operator(db) -> User:
    user = User.objects.create_superuser(email="ops@host.example", password=PASSWORD)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def with_totp(user: User) -> str:
    """Give `user` an authenticator; return its secret so a test can make codes."""
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


def totp_code(secret: str) -> str:
    # A code made in the last moments of its 30-second window can expire before the server
    # checks it (allauth accepts no neighbouring window): wait for a fresh window instead.
    period = mfa_settings.TOTP_PERIOD
    remaining = period - time.time() % period
    if remaining < 3:
        time.sleep(remaining + 0.1)
    counters = list(yield_hotp_counters_from_time())
    counter = counters[len(counters) // 2]
    return format_hotp_value(hotp_value(secret, counter))
