from datetime import UTC, date, datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from accounts.models import User
from schools.models import (
    Enrollment,
    Placement,
    RosterEntry,
    School,
    StaffMembership,
    StaffRole,
)
from schools.selectors import placement_on, verified_enrollments

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 24)


def seed(**options):
    out = StringIO()
    call_command("seed_demo", today=TODAY, stdout=out, **options)
    return out.getvalue()


def snapshot():
    return sorted(
        Placement.objects.values_list(
            "student__email", "student__display_name", "rotation__slug", "starts_on", "ends_on"
        )
    )


def test_demo_school_has_two_cohorts_120_verified_students_on_placements_and_4_staff():
    output = seed()

    school = School.objects.get(slug="northbrook")
    assert school.cohorts.count() == 2
    assert Enrollment.objects.filter(school=school).count() == 120
    assert StaffMembership.objects.filter(school=school).count() == 4
    # Every demo student is on the roster and verified, so the demo dashboard shows figures.
    assert verified_enrollments(school=school).count() == 120
    assert RosterEntry.objects.filter(school=school).count() == 120
    assert StaffMembership.objects.filter(school=school, role=StaffRole.SCHOOL_ADMIN).exists()
    for user in User.objects.filter(enrollment__isnull=False):
        assert placement_on(user, TODAY) is not None, user.email
    third_years = Enrollment.objects.filter(cohort__graduation_year=2028)
    on_core = Placement.objects.filter(
        student__in=third_years.values("student"), starts_on__lte=TODAY, ends_on__gte=TODAY
    ).values_list("rotation__phase", flat=True)
    assert set(on_core) == {"core"}
    assert "student@northbrook.example" in output
    assert "NB2028DEMO" in output


def test_the_same_seed_gives_the_same_school():
    seed(students=30, seed=7)
    first = snapshot()
    School.objects.all().delete()
    User.objects.all().delete()

    seed(students=30, seed=7)

    assert snapshot() == first


def test_a_second_run_refuses_or_with_if_empty_only_prints_the_logins():
    seed(students=5)

    with pytest.raises(CommandError, match="already exists"):
        seed(students=5)
    output = seed(students=5, if_empty=True)

    assert "student@northbrook.example" in output
    assert Enrollment.objects.count() == 5


def test_nonsense_sizes_are_refused():
    with pytest.raises(CommandError, match="at least 1"):
        seed(students=0)


def test_without_a_date_the_demo_runs_to_the_schools_today_not_utcs(monkeypatch):
    # 02:00 UTC on 25 November is still the evening of the 24th in New York.
    monkeypatch.setattr(timezone, "now", lambda: datetime(2026, 11, 25, 2, 0, tzinfo=UTC))
    out = StringIO()

    call_command("seed_demo", students=4, days=2, stdout=out)

    assert "to 2026-11-24." in out.getvalue()
