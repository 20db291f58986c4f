import re
from datetime import UTC, date, datetime, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count
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


def test_the_demo_school_has_four_classes_of_150_on_its_roster_clerkship_blocks_and_4_staff():
    output = seed()

    school = School.objects.get(slug="northbrook")
    assert sorted(school.cohorts.values_list("graduation_year", flat=True)) == [
        2027, 2028, 2029, 2030,
    ]  # fmt: skip
    # The whole class is on the roster; half the school uses the app, and all of them count.
    for cohort in school.cohorts.all():
        assert RosterEntry.objects.filter(cohort=cohort).count() == 150, cohort
    assert Enrollment.objects.filter(school=school).count() == 300
    assert verified_enrollments(school=school).count() == 300
    assert StaffMembership.objects.filter(school=school).count() == 4
    assert StaffMembership.objects.filter(school=school, role=StaffRole.SCHOOL_ADMIN).exists()
    for user in User.objects.filter(enrollment__isnull=False):
        assert placement_on(user, TODAY) is not None, user.email
    phase_today = {
        year: set(
            Placement.objects.filter(
                student__enrollment__cohort__graduation_year=year,
                starts_on__lte=TODAY,
                ends_on__gte=TODAY,
            ).values_list("rotation__phase", flat=True)
        )
        for year in (2027, 2028, 2029, 2030)
    }
    assert phase_today == {
        2027: {"elective"}, 2028: {"core"}, 2029: {"preclinical"}, 2030: {"preclinical"},
    }  # fmt: skip
    assert "student@northbrook.example" in output
    assert "NB2028DEMO" in output
    assert re.search(r"in \d+\.\d s\.", output)
    # Core clerkships run 6 to 12 weeks, in blocks of 15 to 30 students (those the generated
    # window of 70 days before and a year after cuts short aside).
    blocks = (
        Placement.objects.filter(
            rotation__phase="core",
            starts_on__gt=TODAY - timedelta(days=70),
            ends_on__lt=date(2027, 6, 1),
        )
        .values("rotation", "starts_on", "ends_on")
        .annotate(students=Count("pk"))
    )
    assert len(blocks) >= 7
    for block in blocks:
        assert 6 <= ((block["ends_on"] - block["starts_on"]).days + 1) / 7 <= 12, block
        assert 15 <= block["students"] <= 30, block


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

    assert "to 2026-11-24," in out.getvalue()
