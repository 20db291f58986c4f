import pytest
from django.contrib import admin

from accounts.models import ConsentRecord, User
from conftest import with_totp
from schools.models import Enrollment, Placement, StaffMembership

pytestmark = pytest.mark.django_db


def test_no_personal_model_is_in_the_admin():
    for model in (User, ConsentRecord, Enrollment, Placement, StaffMembership):
        assert not admin.site.is_registered(model), model


def test_operator_with_mfa_manages_schools(client, operator, school):
    with_totp(operator)
    client.force_login(operator)

    response = client.get("/admin/schools/school/")

    assert response.status_code == 200
    assert b"Riverside Medical School" in response.content


def test_school_staff_cannot_open_the_admin(client, staff):
    with_totp(staff)
    client.force_login(staff)

    response = client.get("/admin/schools/school/")

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
