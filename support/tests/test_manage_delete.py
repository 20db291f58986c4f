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
    return reverse("support_manage_delete", args=[resource.pk])


def test_get_asks_for_confirmation_and_deletes_nothing(client, staff, resource):
    with_totp(staff)
    client.force_login(staff)

    response = client.get(url(resource))

    assert response.status_code == 200
    assert b"Remove Riverside Counselling?" in response.content
    assert HelpResource.objects.filter(pk=resource.pk).exists()


def test_staff_remove_their_schools_entry_with_post(client, staff, resource):
    with_totp(staff)
    client.force_login(staff)

    response = client.post(url(resource))

    assert response.status_code == 302
    assert response["Location"] == reverse("support_manage")
    assert not HelpResource.objects.filter(pk=resource.pk).exists()


def test_staff_of_another_school_get_404_and_delete_nothing(client, other_staff, resource):
    with_totp(other_staff)
    client.force_login(other_staff)

    assert client.get(url(resource)).status_code == 404
    assert client.post(url(resource)).status_code == 404
    assert HelpResource.objects.filter(pk=resource.pk).exists()


def test_students_cannot_delete(client, student, resource):
    client.force_login(student)

    assert client.post(url(resource)).status_code == 403
    assert HelpResource.objects.filter(pk=resource.pk).exists()


def test_signed_out_visitors_cannot_delete(client, resource):
    response = client.post(url(resource))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert HelpResource.objects.filter(pk=resource.pk).exists()
