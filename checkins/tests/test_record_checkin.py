from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from checkins.models import CheckIn
from checkins.selectors import checkin_note
from checkins.services import record_checkin
from conftest import make_user

pytestmark = pytest.mark.django_db

VALUES = {
    "mood": 4,
    "stress": 2,
    "energy": 3,
    "sleep_hours": "6.5",
    "sleep_quality": 3,
    "loneliness": 2,
    "purpose": 5,
    "ate_well": True,
    "connected": True,
    "note": "Long day in theatre but the team was kind.",
}


def test_a_checkin_knows_the_current_rotation_and_keeps_the_note_encrypted(student):
    checkin, created = record_checkin(student=student, values=VALUES)

    assert created
    assert checkin.rotation.slug == "surgery"
    assert checkin.school == student.enrollment.school
    assert checkin.self_care()["ate_well"] and not checkin.self_care()["moved"]
    assert VALUES["note"].encode() not in bytes(checkin.note_encrypted)
    assert checkin_note(checkin) == VALUES["note"]


def test_submitting_twice_updates_the_one_row_for_the_day(student):
    record_checkin(student=student, values=VALUES)
    checkin, created = record_checkin(student=student, values={**VALUES, "mood": 2})

    assert not created
    assert CheckIn.objects.filter(student=student).count() == 1
    assert checkin.mood == 2


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("mood", 6, "less than or equal to 5"),
        ("stress", 0, "greater than or equal to 1"),
        ("sleep_hours", "-1", "greater than or equal to 0"),
        ("sleep_hours", "30", "less than or equal to 16"),
        ("energy", "lots", "must be an integer"),
        ("purpose", None, "needs an answer"),
    ],
)
def test_out_of_range_values_are_refused_and_nothing_is_written(student, field, value, message):
    with pytest.raises(ValidationError) as error:
        record_checkin(student=student, values={**VALUES, field: value})

    assert message in " ".join(error.value.message_dict[field])
    assert not CheckIn.objects.exists()


def test_a_future_day_is_refused(student):
    tomorrow = timezone.localdate() + timedelta(days=2)

    with pytest.raises(ValidationError, match="future"):
        record_checkin(student=student, values=VALUES, day=tomorrow)
    assert not CheckIn.objects.exists()


def test_an_overlong_note_is_refused(student):
    with pytest.raises(ValidationError, match="under 2000"):
        record_checkin(student=student, values={**VALUES, "note": "x" * 2001})
    assert not CheckIn.objects.exists()


def test_someone_without_a_cohort_cannot_check_in(db):
    with pytest.raises(ValidationError, match="joined a cohort"):
        record_checkin(student=make_user("nobody@example.com"), values=VALUES)
