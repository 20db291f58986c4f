import pytest
from django.urls import reverse

from conftest import with_totp
from support.models import HelpResource

pytestmark = pytest.mark.django_db
URL = reverse("support_manage_new")
VALID = {
    "category": "counselling",
    "name": "Riverside Counselling",
    "hours": "Mon–Fri 9am–5pm",
    "phone": "(555) 010-2000 ext. 4",
    "involved_in_grading": "never",
    "position": "1",
}


@pytest.fixture
def staff_client(client, staff):
    with_totp(staff)
    client.force_login(staff)
    return client


def test_staff_add_an_entry_to_their_own_school(staff_client, school):
    response = staff_client.post(URL, {**VALID, "is_urgent_contact": "on"})

    assert response.status_code == 302
    assert response["Location"] == reverse("support_manage")
    resource = HelpResource.objects.get()
    assert resource.school == school
    assert resource.name == "Riverside Counselling"
    assert resource.is_urgent_contact
    assert resource.tel_href == "tel:5550102000"


def test_directory_pages_are_never_cached(staff_client):
    for url in (reverse("support_manage"), URL):
        response = staff_client.get(url)
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"]


def test_the_form_shows_every_field(staff_client):
    response = staff_client.get(URL)

    assert response.status_code == 200
    for field in ["name", "confidentiality_note", "involved_in_grading", "is_urgent_contact"]:
        assert f'name="{field}"'.encode() in response.content


def test_an_entry_nobody_can_reach_is_refused_and_nothing_written(staff_client):
    response = staff_client.post(URL, {**VALID, "phone": ""})

    assert response.status_code == 200
    assert b"Add at least one way to reach this service" in response.content
    assert not HelpResource.objects.exists()


def test_a_bad_phone_number_is_shown_next_to_the_field_and_nothing_written(staff_client):
    response = staff_client.post(URL, {**VALID, "phone": "call me maybe"})

    assert response.status_code == 200
    assert "phone" in response.context["form"].errors
    assert b'aria-invalid="true"' in response.content
    assert b"Enter a phone number" in response.content
    assert not HelpResource.objects.exists()


def test_a_bad_text_number_is_refused(staff_client):
    response = staff_client.post(URL, {**VALID, "text_number": "12"})

    assert "text_number" in response.context["form"].errors
    assert not HelpResource.objects.exists()


def test_students_cannot_add_entries(client, student):
    client.force_login(student)

    response = client.post(URL, VALID)

    assert response.status_code == 403
    assert not HelpResource.objects.exists()


def test_signed_out_visitors_cannot_add_entries(client):
    response = client.post(URL, VALID)

    assert response.status_code == 302
    assert not HelpResource.objects.exists()
