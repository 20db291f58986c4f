import pytest
from django.urls import reverse

from conftest import make_cohort, with_totp
from learn.models import TrackAssignment
from vault.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(client, staff):
    with_totp(staff)
    client.force_login(staff)
    return client


def test_assigning_a_track_twice_keeps_one_assignment_with_the_latest_date(
    signed_in, cohort, school
):
    url = reverse("learn_school_assign")
    signed_in.post(url, {"cohort": cohort.pk, "track": "sleep-on-call"})
    response = signed_in.post(
        url, {"cohort": cohort.pk, "track": "sleep-on-call", "complete_by": "2030-01-31"}
    )

    assert response.status_code == 302
    [assignment] = TrackAssignment.objects.all()
    assert (assignment.cohort, assignment.school, str(assignment.complete_by)) == (
        cohort, school, "2030-01-31",
    )  # fmt: skip
    assert AuditEvent.objects.filter(kind="track_assigned").count() == 2


def test_another_schools_cohort_cannot_be_picked(signed_in, other_school):
    theirs = make_cohort(other_school, 2028)

    response = signed_in.post(
        reverse("learn_school_assign"), {"cohort": theirs.pk, "track": "sleep-on-call"}
    )

    assert response.status_code == 400
    assert "cohort" in response.context["assign_form"].errors
    assert not TrackAssignment.objects.exists()


def test_removing_an_assignment(signed_in, cohort, school):
    assignment = TrackAssignment.objects.create(school=school, cohort=cohort, track="exam-anxiety")

    signed_in.post(reverse("learn_school_unassign", args=[assignment.pk]))

    assert not TrackAssignment.objects.exists()


def test_staff_of_another_school_cannot_remove_ours(client, other_staff, cohort, school):
    assignment = TrackAssignment.objects.create(school=school, cohort=cohort, track="exam-anxiety")
    with_totp(other_staff)
    client.force_login(other_staff)

    response = client.post(reverse("learn_school_unassign", args=[assignment.pk]))

    assert response.status_code == 404 and TrackAssignment.objects.exists()
