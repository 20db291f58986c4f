import pytest
from django.urls import reverse

from checkins.models import CheckIn
from checkins.services import record_checkin
from conftest import with_totp

pytestmark = pytest.mark.django_db

FORM = {
    "mood": "4",
    "stress": "3",
    "energy": "2",
    "sleep_hours": "5.5",
    "sleep_quality": "2",
    "loneliness": "3",
    "purpose": "4",
    "moved": "on",
    "note": "Post-call. Tired but okay.",
}


def test_student_checks_in_and_sees_it_saved(client, student):
    client.force_login(student)

    response = client.post(reverse("checkin"), FORM, follow=True)

    assert "Checked in." in response.content.decode()
    checkin = CheckIn.objects.get(student=student)
    assert (checkin.mood, checkin.energy, checkin.moved, checkin.rested) == (4, 2, True, False)
    assert (
        response["Cache-Control"].startswith("max-age=0") or "no-store" in response["Cache-Control"]
    )


def test_missing_and_out_of_range_answers_show_field_errors_and_write_nothing(client, student):
    client.force_login(student)

    response = client.post(reverse("checkin"), {**FORM, "mood": "", "sleep_hours": "-2"})

    html = response.content.decode()
    assert response.status_code == 200
    assert "Pick a number from 1 to 5." in html
    assert "greater than or equal to 0" in html
    assert not CheckIn.objects.exists()


def test_a_value_only_the_model_refuses_is_shown_on_its_field_and_saves_nothing(client, student):
    """The form leaves the model's ranges to the service (one validation per check-in): its
    refusal must still come back next to the field, with the answers kept."""
    client.force_login(student)

    response = client.post(reverse("checkin"), {**FORM, "sleep_hours": "20"})

    html = response.content.decode()
    assert response.status_code == 200
    assert "less than or equal to 16" in html
    assert 'value="4" id="id_mood_3" checked' in html
    assert not CheckIn.objects.exists()


def test_the_form_comes_back_filled_with_todays_answers_and_the_note(client, student):
    record_checkin(student=student, values={**FORM, "mood": 5, "moved": True})
    client.force_login(student)

    html = client.get(reverse("checkin")).content.decode()

    assert 'value="5" id="id_mood_4" checked' in html
    assert "Post-call. Tired but okay." in html
    assert "Delete today's check-in" in html


def test_deleting_todays_checkin(client, student):
    record_checkin(student=student, values={**FORM, "moved": True})
    client.force_login(student)

    assert client.get(reverse("checkin_delete")).status_code == 405
    assert CheckIn.objects.exists()
    client.post(reverse("checkin_delete"))
    assert not CheckIn.objects.exists()


def test_staff_and_anonymous_cannot_use_the_checkin(client, staff):
    assert client.get(reverse("checkin"))["Location"].startswith(reverse("account_login"))
    with_totp(staff)
    client.force_login(staff)
    assert client.get(reverse("checkin")).status_code == 403
    assert client.post(reverse("checkin"), FORM).status_code == 403
    assert not CheckIn.objects.exists()


def test_not_safe_button_shows_crisis_resources_in_the_same_response(client, student, staff):
    client.force_login(student)

    response = client.post(reverse("not_safe"))

    html = response.content.decode()
    assert response.status_code == 200
    assert 'href="tel:988"' in html
    assert "Nobody at your school is told" in html
    assert student.safety_events.get().trigger == "not_safe_button"


def test_each_form_gets_its_own_scale_fields_that_share_only_the_fixed_choices():
    from checkins.forms import CheckInForm

    first, second = CheckInForm(), CheckInForm()
    mine, theirs = first.fields["mood"], second.fields["mood"]

    assert mine is not theirs and mine.widget is not theirs.widget
    mine.widget.attrs["data-x"] = "1"
    mine.error_messages["required"] = "changed"
    assert "data-x" not in theirs.widget.attrs
    assert theirs.error_messages["required"] == "Pick a number from 1 to 5."
    assert mine.choices == theirs.choices == [(i, str(i)) for i in range(1, 6)]
