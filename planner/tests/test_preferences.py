import pytest
from django.urls import reverse

from planner.models import PlannerPrefs

pytestmark = pytest.mark.django_db

VALID = {"sleep_hours": "8", "reminders_per_day": "1", "timezone": "", "weekly_nudge": "on"}


def test_student_sets_sleep_target_quiet_hours_and_time_zone(client, student):
    client.force_login(student)

    response = client.post(
        reverse("planner_preferences"),
        {**VALID, "quiet_start": "22:00", "quiet_end": "06:00", "timezone": "Europe/Berlin"},
    )

    assert response.status_code == 302
    prefs = PlannerPrefs.objects.get(student=student)
    assert prefs.sleep_hours == 8 and prefs.timezone == "Europe/Berlin"
    assert str(prefs.quiet_start) == "22:00:00"


@pytest.mark.parametrize(
    "change, message",
    [
        ({"sleep_hours": "14"}, "between 4 and 12 hours"),
        ({"sleep_hours": "2"}, "between 4 and 12 hours"),
        ({"timezone": "Mars/Olympus"}, "Unknown time zone"),
        ({"quiet_start": "22:00"}, "Give both the start and the end of quiet hours."),
    ],
)
def test_impossible_preferences_are_refused_next_to_the_field(client, student, change, message):
    client.force_login(student)
    response = client.post(reverse("planner_preferences"), {**VALID, **change})
    assert message in response.content.decode()
    assert not PlannerPrefs.objects.filter(student=student, sleep_hours=14).exists()
