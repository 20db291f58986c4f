import io
import json
import zipfile

import pytest
from django.apps import apps
from django.db import models
from django.urls import reverse

from accounts.models import User
from checkins.models import CheckIn
from checkins.services import record_checkin, record_screening
from conftest import PASSWORD
from vault.models import DataKey

pytestmark = pytest.mark.django_db

CHECKIN = {
    "mood": 2, "stress": 4, "energy": 2, "sleep_hours": "5", "sleep_quality": 2,
    "loneliness": 4, "purpose": 4, "moved": True, "note": "rough night on call",
}  # fmt: skip


@pytest.fixture
def student_with_data(student):
    record_checkin(student=student, values=CHECKIN)
    record_screening(
        student=student, instrument_id="phq9", answers=[1] * 8 + [0], submission_key="s1"
    )
    return student


def reauthenticate(client, user):
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})


def test_export_is_one_zip_with_json_csv_and_fhir(client, student_with_data):
    client.force_login(student_with_data)

    response = client.post(reverse("export_my_data"))

    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    names = set(archive.namelist())
    assert {"README.txt", "account.json", "checkins.json", "checkins.csv"} <= names
    assert {"screenings.json", "screenings.csv"} <= names
    checkins = json.loads(archive.read("checkins.json"))
    assert checkins[0]["note"] == "rough night on call"
    assert "rough night on call" in archive.read("checkins.csv").decode()
    fhir = [n for n in names if n.startswith("fhir/")]
    assert len(fhir) == 1
    assert json.loads(archive.read(fhir[0]))["resourceType"] == "QuestionnaireResponse"
    assert json.loads(archive.read("account.json"))["cohort"] == "Class of 2028"


def test_export_needs_a_post_and_a_login(client, student):
    assert client.post(reverse("export_my_data"))["Location"].startswith("/accounts/login/")
    client.force_login(student)
    assert client.get(reverse("export_my_data")).status_code == 405


def test_deletion_asks_for_the_password_again(client, student_with_data):
    client.force_login(student_with_data)

    response = client.post(reverse("delete_my_data"), {"confirmation": "delete my data"})

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    assert User.objects.filter(pk=student_with_data.pk).exists()


def test_deletion_needs_the_typed_confirmation(client, student_with_data):
    client.force_login(student_with_data)
    reauthenticate(client, student_with_data)

    response = client.post(reverse("delete_my_data"), {"confirmation": "yes"})

    assert "exactly" in response.content.decode()
    assert User.objects.filter(pk=student_with_data.pk).exists()


def rows_referring_to(user_id: int) -> list[str]:
    found = []
    for model in apps.get_models():
        for field in model._meta.get_fields():
            refers_to_users = (
                isinstance(field, models.ForeignKey | models.OneToOneField)
                and field.related_model is User
            )
            if refers_to_users and model.objects.filter(**{field.attname: user_id}).exists():
                found.append(f"{model._meta.label}.{field.name}")
    return found


def test_deletion_removes_every_row_and_the_data_key_and_signs_out(
    client, student_with_data, classmate
):
    record_checkin(student=classmate, values=CHECKIN)
    user_id = student_with_data.pk
    assert rows_referring_to(user_id)
    client.force_login(student_with_data)
    reauthenticate(client, student_with_data)

    response = client.post(reverse("delete_my_data"), {"confirmation": "Delete my data"})

    assert "Your data is deleted." in response.content.decode()
    assert rows_referring_to(user_id) == []
    assert not DataKey.objects.filter(user_id=user_id).exists()
    assert "_auth_user_id" not in client.session
    # The classmate is untouched.
    assert CheckIn.objects.filter(student=classmate).count() == 1


def test_export_through_the_api_with_a_personal_token(client, student_with_data):
    from accounts.tokens import create_token

    _, secret = create_token(user=student_with_data, name="export")

    response = client.get("/api/me/export", HTTP_AUTHORIZATION=f"Bearer {secret}")

    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert json.loads(archive.read("checkins.json"))[0]["note"] == "rough night on call"
    assert client.get("/api/me/export").status_code == 401
