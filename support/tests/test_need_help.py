import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from conftest import with_totp
from support.models import Category, GradingInvolvement
from support.selectors import crisis_resources_for

from .factories import make_resource

pytestmark = pytest.mark.django_db


@pytest.fixture
def directories(school, other_school):
    return {
        "ours": make_resource(
            school,
            "Riverside Counselling",
            cost="Free, 6 sessions a year",
            how_to_book="Book online",
            confidentiality_note="Nothing is shared with your clerkship.",
        ),
        "our_night_line": make_resource(
            school,
            "Riverside Night Line",
            category=Category.URGENT,
            phone="(555) 010-9999",
            hours="24/7",
            is_urgent_contact=True,
        ),
        "theirs": make_resource(other_school, "Hillcrest Counselling"),
    }


def test_anyone_signed_out_sees_the_national_lines_and_no_school(client, directories):
    response = client.get(reverse("need_help"))

    assert response.status_code == 200
    assert b"You don't have to handle this alone" in response.content
    assert b'href="tel:988"' in response.content
    assert b'href="sms:741741?&amp;body=HOME"' in response.content
    assert b"1-888-409-0141" in response.content
    assert b"Nobody at your school is told about this." in response.content
    assert b"Riverside" not in response.content
    assert b"Hillcrest" not in response.content


def test_a_student_sees_their_own_schools_directory_and_not_another(client, student, directories):
    client.force_login(student)

    response = client.get(reverse("need_help"))

    assert response.status_code == 200
    assert b"Riverside Counselling" in response.content
    assert b"Free, 6 sessions a year" in response.content
    assert b"Book online" in response.content
    assert b"Nothing is shared with your clerkship." in response.content
    assert b"never take part in grading" in response.content
    assert b'href="tel:5550109999"' in response.content
    assert b"Hillcrest" not in response.content
    assert response.context["crisis"].school_contacts == [directories["our_night_line"]]


def test_an_unconfirmed_grading_answer_is_said_plainly(client, student, school):
    make_resource(school, "Dean's Wellness Office", involved_in_grading=GradingInvolvement.UNKNOWN)
    client.force_login(student)

    response = client.get(reverse("need_help"))

    assert b"has not yet confirmed whether anyone here takes part in grading" in response.content


def test_a_student_of_a_school_without_a_directory_still_gets_the_lines(client, student):
    client.force_login(student)

    response = client.get(reverse("need_help"))

    assert b'href="tel:911"' in response.content
    assert b"has not listed its support services here yet" in response.content


def test_staff_see_their_schools_directory(client, staff, directories):
    with_totp(staff)
    client.force_login(staff)

    response = client.get(reverse("need_help"))

    assert b"Riverside Counselling" in response.content
    assert b"Hillcrest" not in response.content


def test_staff_without_a_second_factor_can_still_reach_the_crisis_lines(client, staff):
    client.force_login(staff)

    response = client.get(reverse("need_help"))

    assert response.status_code == 200
    assert b'href="tel:988"' in response.content


def test_the_crisis_block_renders_from_nothing_but_crisis(school, directories):
    html = render_to_string(
        "support/_crisis_resources.html", {"crisis": crisis_resources_for(school)}
    )

    assert "You don't have to handle this alone" in html
    assert "Riverside Night Line" in html
    assert "24/7" in html
    assert 'href="tel:5550109999"' in html
    assert "Nobody at your school is told about this." in html
    assert f'href="{reverse("need_help")}"' in html


def test_next_steps_render_with_their_grading_and_confidentiality_notes(directories):
    html = render_to_string("support/_next_steps.html", {"next_steps": [directories["ours"]]})

    assert "Riverside Counselling" in html
    assert "never take part in grading" in html
    assert "Nothing is shared with your clerkship." in html
    assert render_to_string("support/_next_steps.html", {"next_steps": []}).strip() == ""


def test_the_page_costs_the_same_few_queries_however_big_the_directory(
    client, student, school, django_assert_num_queries
):
    for i in range(20):
        make_resource(school, f"Service {i}", is_urgent_contact=i % 5 == 0)
    client.force_login(student)

    # session, user, enrollment, urgent contacts, directory (the staff check of the MFA
    # middleware and the role for the navigation come from the session)
    with django_assert_num_queries(5):
        response = client.get(reverse("need_help"))

    assert response.status_code == 200


def test_the_help_page_does_not_link_to_itself_as_more_support(client, student):
    client.force_login(student)

    help_page = client.get(reverse("need_help")).content.decode()
    not_safe = client.post(reverse("not_safe")).content.decode()

    assert "All the support your school offers" not in help_page
    assert "All the support your school offers" in not_safe
