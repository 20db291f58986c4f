"""After a form error the page opens on a summary of the errors, each linked to its field (the
GOV.UK pattern), from one shared include: not a reload at the top with the error far below."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse

from schools.selectors import enrollment_for

pytestmark = pytest.mark.django_db


def summary_of(html: str) -> str:
    """The error summary, asserting it comes before the page's heading and takes the focus."""
    match = re.search(r'<div class="error-summary"[^>]*>.*?</div>', html, re.S)
    assert match, "no error summary"
    assert match.start() < html.index("<h1"), "the summary is not at the top"
    opening = match.group(0).split(">", 1)[0]
    assert 'tabindex="-1"' in opening and "autofocus" in opening and 'role="alert"' in opening
    return match.group(0)


def test_checkin_errors_are_summarised_at_the_top_and_linked_to_their_fields(client, student):
    client.force_login(student)

    response = client.post(reverse("checkin"), {"sleep_hours": "25"})

    summary = summary_of(response.content.decode())
    # A scale links to its first option; the hours box to itself.
    assert 'href="#id_mood_0">How is your mood today?: Pick a number from 1 to 5.' in summary
    assert 'href="#id_sleep_hours">How many hours did you sleep?' in summary
    for field in ["mood", "stress", "energy", "sleep_quality", "loneliness", "purpose"]:
        assert f'id="id_{field}_0"' in response.content.decode()


def test_a_valid_checkin_page_has_no_summary(client, student):
    client.force_login(student)
    assert "error-summary" not in client.get(reverse("checkin")).content.decode()


def test_the_circle_guidelines_box_error_is_summarised_and_linked(client, student):
    client.force_login(student)

    response = client.post(
        reverse("circle_profile"), {"pseudonym": "Quiet Heron", "time_zone": "America/New_York"}
    )

    html = response.content.decode()
    summary = summary_of(html)
    assert 'href="#id_accept_guidelines"' in summary and "tick the box to join" in summary
    assert 'id="id_accept_guidelines"' in html


def test_a_planner_pattern_date_error_is_summarised_and_linked(client, student):
    client.force_login(student)
    today = enrollment_for(student).school.today()

    response = client.post(
        reverse("planner_schedule_template"),
        {
            "pattern-template": "clinic",
            "pattern-first_day": today.isoformat(),
            "pattern-last_day": (today - timedelta(days=3)).isoformat(),
        },
    )

    html = response.content.decode()
    summary = summary_of(html)
    link = 'href="#id_pattern-last_day">Until: The last day must be on or after the first.'
    assert link in summary
    assert html.count('class="error-summary"') == 1


def test_a_planner_preferences_error_is_summarised(client, student):
    client.force_login(student)

    response = client.post(reverse("planner_preferences"), {"sleep_hours": "30"})

    assert 'href="#id_sleep_hours"' in summary_of(response.content.decode())


def test_each_field_names_its_error_so_a_screen_reader_reads_it(client, student):
    client.force_login(student)

    html = client.post(reverse("checkin"), {"sleep_hours": "25"}).content.decode()

    # A scale's fieldset and the hours box each point at their own message.
    assert re.search(r'<fieldset[^>]*aria-describedby="[^"]*id_mood_error"', html)
    assert 'id="id_mood_error"' in html
    assert re.search(r'<input[^>]*aria-describedby="[^"]*id_sleep_hours_error"', html)
    assert 'id="id_sleep_hours_error"' in html
