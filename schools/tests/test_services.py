from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from conftest import make_user
from schools.models import Enrollment, InviteCode, Placement, Rotation, StaffMembership
from schools.selectors import placement_on
from schools.services import add_placement, add_staff_member, enroll_with_invite, usable_invite

pytestmark = pytest.mark.django_db


def test_invite_codes_are_forgiving_about_case_dashes_and_spaces(invite):
    assert usable_invite(" river-2028 ") == invite


def test_enrolling_counts_one_use_of_the_code(invite):
    user = make_user("a@riverside.example")

    enrollment = enroll_with_invite(student=user, code=invite.code)

    assert enrollment.cohort == invite.cohort
    assert enrollment.school == invite.cohort.school
    invite.refresh_from_db()
    assert invite.uses == 1


def test_the_last_use_of_a_limited_code_goes_to_one_student_only(invite):
    InviteCode.objects.filter(pk=invite.pk).update(max_uses=1)
    first, second = make_user("a@riverside.example"), make_user("b@riverside.example")

    enroll_with_invite(student=first, code=invite.code)
    with pytest.raises(ValidationError, match="used up"):
        enroll_with_invite(student=second, code=invite.code)

    assert not Enrollment.objects.filter(student=second).exists()


def test_a_student_cannot_join_twice(invite, student):
    with pytest.raises(ValidationError, match="already belong"):
        enroll_with_invite(student=student, code=invite.code)


def test_placements_cannot_overlap(student):
    today = timezone.localdate()
    with pytest.raises(ValidationError) as error:
        add_placement(
            student=student,
            rotation=Rotation.objects.get(slug="psychiatry"),
            starts_on=today,
            ends_on=today + timedelta(days=3),
        )
    assert "overlaps your Surgery placement" in str(error.value)
    assert Placement.objects.filter(student=student).count() == 1


def test_a_placement_cannot_end_before_it_starts(student):
    with pytest.raises(ValidationError, match="cannot end before"):
        add_placement(
            student=student,
            rotation=Rotation.objects.get(slug="neurology"),
            starts_on=date(2030, 2, 1),
            ends_on=date(2030, 1, 1),
        )


def test_current_placement_is_the_one_covering_the_day(student):
    add_placement(
        student=student,
        rotation=Rotation.objects.get(slug="neurology"),
        starts_on=date(2030, 1, 1),
        ends_on=date(2030, 2, 1),
    )
    assert placement_on(student).rotation.slug == "surgery"
    assert placement_on(student, date(2030, 1, 15)).rotation.slug == "neurology"
    assert placement_on(student, date(2029, 1, 15)) is None


def test_a_student_can_never_be_made_staff(school, student):
    with pytest.raises(ValidationError, match="belongs to a student"):
        add_staff_member(school=school, email=student.email, role="dean")
    assert not StaffMembership.objects.exists()


def test_the_catalogue_has_every_core_clerkship():
    core = set(Rotation.objects.filter(phase="core").values_list("name", flat=True))
    assert core == {
        "Internal medicine",
        "Surgery",
        "Paediatrics",
        "Obstetrics & gynaecology",
        "Psychiatry",
        "Family medicine",
        "Neurology",
    }
    assert set(Rotation.objects.values_list("phase", flat=True)) == {
        "preclinical",
        "core",
        "elective",
        "board_study",
    }
