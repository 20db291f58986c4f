from datetime import time

import pytest
from django.urls import reverse

from planner.models import PlannerPrefs
from reminders.selectors import quiet_hours_of
from reminders.services import save_prefs as save_reminder_prefs

pytestmark = pytest.mark.django_db

VALID = {"sleep_hours": "8", "reminders_per_day": "1", "timezone": "", "weekly_nudge": "on"}


def test_student_sets_sleep_target_and_time_zone(client, student):
    client.force_login(student)

    response = client.post(reverse("planner_preferences"), {**VALID, "timezone": "Europe/Berlin"})

    assert response.status_code == 302
    prefs = PlannerPrefs.objects.get(student=student)
    assert prefs.sleep_hours == 8 and prefs.timezone == "Europe/Berlin"


def test_the_page_shows_the_one_set_of_quiet_hours_and_where_to_change_them(client, student):
    save_reminder_prefs(student=student, values={"quiet_start": time(23), "quiet_end": time(6)})
    client.force_login(student)

    page = client.get(reverse("planner_preferences")).content.decode()
    client.post(reverse("planner_preferences"), {**VALID, "quiet_start": "10:00"})

    assert "Your quiet hours, 23:00 to 06:00" in page
    assert f"{reverse('reminder_settings')}#id_quiet_start" in page
    assert 'name="quiet_start"' not in page  # set in one place only
    assert quiet_hours_of(student) == (time(23), time(6))  # a stray field changes nothing


@pytest.mark.parametrize(
    "change, message",
    [
        ({"sleep_hours": "14"}, "between 4 and 12 hours"),
        ({"sleep_hours": "2"}, "between 4 and 12 hours"),
        ({"timezone": "Mars/Olympus"}, "Unknown time zone"),
    ],
)
def test_impossible_preferences_are_refused_next_to_the_field(client, student, change, message):
    client.force_login(student)
    response = client.post(reverse("planner_preferences"), {**VALID, **change})
    assert message in response.content.decode()
    assert not PlannerPrefs.objects.filter(student=student, sleep_hours=14).exists()
