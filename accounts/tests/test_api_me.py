import pytest

pytestmark = pytest.mark.django_db


def test_anonymous_gets_401_json(client):
    response = client.get("/api/me")

    assert response.status_code == 401
    assert response.json() == {"detail": "Unauthorized"}


def test_student_sees_their_own_cohort_and_rotation(client, student):
    client.force_login(student)

    body = client.get("/api/me").json()

    assert body["role"] == "student"
    assert body["email"] == student.email
    assert body["cohort"] == "Class of 2028"
    assert body["current_placement"]["rotation"] == "Surgery"


def test_openapi_schema_is_served(client):
    response = client.get("/api/openapi.json")

    assert response.status_code == 200
    assert "/api/me" in response.json()["paths"]
