import pytest
from django.urls import reverse

from conftest import with_totp
from support.models import HelpResource

from .factories import make_resource

pytestmark = pytest.mark.django_db


@pytest.fixture
def resource(school):
    return make_resource(school, "Riverside Counselling")


def url(resource):
    return reverse("support_manage_edit", args=[resource.pk])


def form_data(**changes):
    return {
        "category": "counselling",
        "name": "Riverside Counselling",
        "phone": "(555) 010-2000",
        "involved_in_grading": "never",
        "position": "0",
        **changes,
    }


def test_staff_edit_their_schools_entry(client, staff, resource):
    with_totp(staff)
    client.force_login(staff)

    response = client.post(url(resource), form_data(hours="Daily 8am–8pm"))

    assert response.status_code == 302
    resource.refresh_from_db()
    assert resource.hours == "Daily 8am–8pm"


def test_the_edit_form_starts_from_the_saved_entry(client, staff, resource):
    with_totp(staff)
    client.force_login(staff)

    response = client.get(url(resource))

    assert response.status_code == 200
    assert b'value="Riverside Counselling"' in response.content


def test_bad_input_changes_nothing(client, staff, resource):
    with_totp(staff)
    client.force_login(staff)

    response = client.post(url(resource), form_data(name="", phone="not a phone"))

    assert response.status_code == 200
    assert set(response.context["form"].errors) >= {"name", "phone"}
    resource.refresh_from_db()
    assert resource.name == "Riverside Counselling"
    assert resource.phone == "(555) 010-2000"


def test_staff_of_another_school_get_404_and_change_nothing(client, other_staff, resource):
    with_totp(other_staff)
    client.force_login(other_staff)

    assert client.get(url(resource)).status_code == 404
    assert client.post(url(resource), form_data(name="Hijacked")).status_code == 404
    resource.refresh_from_db()
    assert resource.name == "Riverside Counselling"


def test_students_are_refused(client, student, resource):
    client.force_login(student)

    assert client.post(url(resource), form_data(name="Hijacked")).status_code == 403
    assert HelpResource.objects.get().name == "Riverside Counselling"


def test_signed_out_visitors_are_sent_to_sign_in(client, resource):
    response = client.get(url(resource))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
