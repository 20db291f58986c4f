"""Staff API answers of published figures are built once and then read as stored
(cohorts/answers.py): the same body, fewer questions, and never stale for their key."""

import random

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cohorts.models import PublishedTable, StoredAnswer
from schools.models import Rotation

from .factories import add_all, checkin_observations, enroll, weeks_ago

pytestmark = pytest.mark.django_db
API = "/api/school"


@pytest.fixture
def cohort_with_figures(cohort):
    rng = random.Random(7)
    surgery = Rotation.objects.get(slug="surgery").pk
    for student in enroll(cohort, 24)[:14]:  # 10 never check in: participation is shown
        for weeks in (1, 2):
            add_all(checkin_observations(cohort, student, weeks_ago(cohort, weeks), surgery, rng))
    return cohort


@pytest.fixture
def staff_client(client, staff):
    from conftest import with_totp

    with_totp(staff)
    client.force_login(staff)
    return client


def statements(client, url) -> tuple[bytes, list[str]]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return response.content, [q["sql"] for q in queries]


def test_the_second_read_sends_the_stored_body_without_reading_the_published_tables(
    staff_client, cohort_with_figures
):
    url = f"{API}/cohorts/{cohort_with_figures.pk}/trend?measure=stress&weeks=26"
    first, built = statements(staff_client, url)
    again, stored = statements(staff_client, url)

    assert again == first
    assert StoredAnswer.objects.count() == 1
    assert any(PublishedTable._meta.db_table in sql for sql in built)
    assert not any(PublishedTable._meta.db_table in sql for sql in stored)
    assert len(stored) < len(built)
    data = staff_client.get(url).json()
    assert data["measure"] == "stress" and len(data["weeks"]) == 27
    shown = [w["total"] for w in data["weeks"] if w["total"]["shown"]]
    assert [f["students"] for f in shown] == [14, 14]


def test_raising_k_builds_the_answer_again(staff_client, cohort_with_figures):
    url = f"{API}/cohorts/{cohort_with_figures.pk}/trend?measure=stress"
    assert staff_client.get(url).json()["k"] == 10
    school = cohort_with_figures.school
    school.min_cell_size = 15
    school.save()

    assert staff_client.get(url).json()["k"] == 15
    assert StoredAnswer.objects.count() == 2


def test_a_change_to_the_rotation_catalogue_forgets_every_stored_answer(
    staff_client, cohort_with_figures
):
    url = f"{API}/cohorts/{cohort_with_figures.pk}/trend"
    before = staff_client.get(url).json()
    Rotation.objects.create(slug="sleep-medicine", name="Sleep medicine", phase="clinical")

    assert not StoredAnswer.objects.exists()
    after = staff_client.get(url).json()
    groups = [g["group"] for g in after["weeks"][0]["groups"]]
    assert "sleep-medicine" in groups
    assert len(after["weeks"][0]["groups"]) == len(before["weeks"][0]["groups"]) + 1


def test_answers_of_past_days_are_deleted_when_a_week_is_published(cohort_with_figures):
    from datetime import timedelta

    from cohorts.publishing import publish_due

    school = cohort_with_figures.school
    today = school.today()
    old = StoredAnswer.objects.create(
        school=school, key="old", made_on=today - timedelta(days=8), body="{}"
    )
    publish_due(school, today=today)

    assert not StoredAnswer.objects.filter(pk=old.pk).exists()
