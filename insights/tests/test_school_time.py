"""Times on pages read in the school's time zone (the walkthrough saw a Sunday 21:50
reflection in Chicago shown as "Monday 7 December", and a 21:51 post as "03:51")."""

from datetime import UTC, datetime

import pytest

from insights.models import Reflection
from insights.services import write_reflection

pytestmark = pytest.mark.django_db


def test_a_reflection_written_on_sunday_evening_reads_as_sunday(client, student):
    school = student.enrollment.school
    school.timezone = "America/Chicago"
    school.save()
    reflection = write_reflection(student=student, body="A long day.")
    # Sunday 6 December 2026, 21:50 in Chicago is Monday 03:50 UTC.
    Reflection.objects.filter(pk=reflection.pk).update(
        created_at=datetime(2026, 12, 7, 3, 50, tzinfo=UTC)
    )
    client.force_login(student)

    page = client.get("/insights/journal/").content.decode()

    assert "Sunday 6 December 2026" in page
    assert "Monday 7 December 2026" not in page


def test_signed_out_pages_stay_in_the_server_zone(client):
    from django.utils import timezone

    client.get("/")
    assert timezone.get_current_timezone_name() == "UTC"
