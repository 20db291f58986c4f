import re

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from conftest import with_totp

pytestmark = pytest.mark.django_db

PUBLIC_PAGES = ["home", "need_help", "who_sees_what", "account_login", "account_signup"]


@pytest.mark.parametrize("name", PUBLIC_PAGES)
def test_every_public_page_has_the_need_help_link_and_no_inline_script(client, name):
    response = client.get(reverse(name))

    assert response.status_code == 200
    html = response.content.decode()
    assert f'href="{reverse("need_help")}"' in html
    assert ">Need help now<" in html
    for script in re.findall(r"<script[^>]*>", html):
        assert "src=" in script or 'type="application/json"' in script, script
    assert "script-src 'self'" in response["Content-Security-Policy"]


@pytest.mark.parametrize("who", ["student", "staff"])
def test_signed_in_home_pages_have_the_need_help_link(client, request, who):
    user = request.getfixturevalue(who)
    if who == "staff":
        with_totp(user)
    client.force_login(user)

    response = client.get(reverse("home"))

    assert response.status_code == 200
    assert ">Need help now<" in response.content.decode()


def test_student_home_shows_cohort_and_current_rotation(client, student):
    client.force_login(student)

    html = client.get(reverse("home")).content.decode()

    assert "Class of 2028" in html
    assert "Surgery" in html


def test_need_help_page_lists_crisis_lines_without_signing_in(client):
    html = client.get(reverse("need_help")).content.decode()

    assert 'href="tel:988"' in html
    assert 'href="tel:911"' in html


def test_staff_home_shows_counts_never_students(client, staff, student, classmate):
    with_totp(staff)
    client.force_login(staff)

    html = client.get(reverse("home")).content.decode()

    assert "Class of 2028" in html
    assert student.email not in html
    assert classmate.email not in html


def test_pages_name_an_icon_that_exists(client):
    """Browsers ask every site for an icon; without one each first visit logs a 404."""
    html = client.get(reverse("home")).content.decode()

    icon = re.search(r'<link rel="icon" href="/static/([^"]+)"', html)
    assert icon, "no icon link"
    assert finders.find(icon.group(1)), icon.group(1)


def test_a_new_student_is_never_told_they_asked_for_screening_reminders(client, student):
    """The walkthrough: a new account's home said "Screenings you asked to be reminded about"
    for the default schedule nobody chose. It says they are due and how to change it."""
    client.force_login(student)

    html = client.get(reverse("home")).content.decode()

    assert "you asked" not in html
    assert "Short screenings due:" in html and "You choose how often, or never" in html


def test_staff_home_counts_joined_students_as_the_roster_page_does(client, staff, cohort):
    """In steps of five and hidden below K: an exact count would tell, the day it moves,
    that one known student joined or deleted their account."""
    from cohorts.tests.factories import enroll

    with_totp(staff)
    client.force_login(staff)
    enroll(cohort, 13)

    html = client.get(reverse("home")).content.decode()

    assert "<td>10–14</td>" in html and "<td>13</td>" not in html
