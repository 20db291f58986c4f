import pytest
from django.urls import reverse

from circles.models import CircleMessage, MessageReport
from circles.services import REMOVED, post_circle_message, report_circle_message
from conftest import make_staff, with_totp
from schools.models import StaffRole
from vault.models import AuditEvent

from .circle_factories import circle_with

pytestmark = pytest.mark.django_db

SECRET = "Cedar is useless, don't listen to them"


@pytest.fixture
def reported(student, cohort):
    circle, peers = circle_with(student, cohort)
    message = post_circle_message(student=peers[0], circle_id=circle.pk, body=SECRET)
    return message, peers


@pytest.fixture
def wellness_lead(school):
    user = make_staff(school, "wellness@riverside.example", role=StaffRole.WELLNESS_LEAD)
    with_totp(user)
    return user


def test_a_member_reports_a_message_once(client, student, reported):
    message, _ = reported
    client.force_login(student)
    url = reverse("circle_report", args=[message.pk])

    response = client.post(url, {"reason": "harassment"}, follow=True)
    assert "wellness lead will review the message" in response.content.decode()

    again = client.post(url, {"reason": "other"}).content.decode().replace("&#x27;", "'")
    assert "You already reported this" in again
    assert MessageReport.objects.filter(message=message, reporter=student).count() == 1


def test_one_cannot_report_ones_own_message(client, student, cohort, reported):
    own = post_circle_message(student=student, circle_id=reported[0].circle_id, body="mine")
    client.force_login(student)

    response = client.post(reverse("circle_report", args=[own.pk]), {"reason": "spam"})

    assert "You can't report your own message." in response.content.decode().replace("&#x27;", "'")
    assert not MessageReport.objects.exists()


def test_the_wellness_lead_sees_only_the_message_and_pseudonym_and_each_view_is_audited(
    client, student, reported, wellness_lead
):
    message, peers = reported
    report = report_circle_message(student=student, message_id=message.pk, reason="harassment")
    client.force_login(wellness_lead)

    listing = client.get(reverse("circle_reports")).content.decode()
    assert SECRET.replace("'", "&#x27;") not in listing
    page = client.get(reverse("circle_report_review", args=[report.pk])).content.decode()

    assert SECRET.replace("'", "&#x27;") in page and "Cedar" in page
    assert "Harassment" in page
    for user in [student, *peers]:
        assert user.email not in page
    assert "Heron" not in page  # the reporter stays unknown
    assert AuditEvent.objects.filter(kind="report_viewed").count() == 1


def test_removing_a_message_hides_it_for_everyone_and_closes_the_reports(
    client, student, reported, wellness_lead
):
    message, peers = reported
    report = report_circle_message(student=student, message_id=message.pk, reason="hateful")
    report_circle_message(student=peers[1], message_id=message.pk, reason="other")
    client.force_login(wellness_lead)

    client.post(reverse("circle_report_review", args=[report.pk]), {"action": "remove"})

    message.refresh_from_db()
    assert message.removed_at is not None and bytes(message.body_encrypted) == b""
    assert set(MessageReport.objects.values_list("status", flat=True)) == {"removed"}
    client.force_login(peers[2])
    html = client.get(reverse("circle", args=[message.circle_id])).content.decode()
    assert REMOVED in html and "useless" not in html


def test_dismissing_keeps_the_message(client, student, reported, wellness_lead):
    message, _ = reported
    report = report_circle_message(student=student, message_id=message.pk, reason="other")
    client.force_login(wellness_lead)

    client.post(reverse("circle_report_review", args=[report.pk]), {"action": "dismiss"})

    assert MessageReport.objects.get().status == "dismissed"
    assert CircleMessage.objects.get().removed_at is None


@pytest.mark.parametrize("role", [StaffRole.EDUCATOR, StaffRole.DEAN])
def test_educators_and_deans_cannot_see_reports(client, school, student, reported, role):
    report = report_circle_message(student=student, message_id=reported[0].pk, reason="other")
    user = make_staff(school, f"{role}@riverside.example", role=role)
    with_totp(user)
    client.force_login(user)

    assert client.get(reverse("circle_reports")).status_code == 403
    assert client.get(reverse("circle_report_review", args=[report.pk])).status_code == 403
    assert not AuditEvent.objects.filter(kind="report_viewed").exists()


def test_another_schools_wellness_lead_gets_404(client, student, reported, other_school):
    report = report_circle_message(student=student, message_id=reported[0].pk, reason="other")
    user = make_staff(other_school, "wl@hillcrest.example", role=StaffRole.WELLNESS_LEAD)
    with_totp(user)
    client.force_login(user)

    assert client.get(reverse("circle_report_review", args=[report.pk])).status_code == 404


def test_staff_counts_below_k_are_hidden(client, school, cohort, student, staff):
    from circles.tests.circle_factories import circle_with as make_circle

    make_circle(student, cohort)
    with_totp(staff)
    client.force_login(staff)

    html = client.get(reverse("circles_overview")).content.decode()

    assert "not available (fewer than 10 students)" in html
    assert "<td>4</td>" not in html and "Heron" not in html


def test_a_resolved_report_cannot_be_resolved_again(client, student, reported, wellness_lead):
    from circles.services import resolve_report

    message, _ = reported
    report = report_circle_message(student=student, message_id=message.pk, reason="other")
    client.force_login(wellness_lead)
    url = reverse("circle_report_review", args=[report.pk])
    client.post(url, {"action": "dismiss"})

    response = client.post(url, {"action": "remove"}, follow=True)

    assert "already resolved (dismissed)" in response.content.decode()
    assert MessageReport.objects.get().status == "dismissed"
    assert CircleMessage.objects.get().removed_at is None
    with pytest.raises(Exception, match="already resolved"):
        resolve_report(report=report, by=wellness_lead, remove_message=True)


def test_a_report_that_races_another_is_told_it_is_already_in(monkeypatch, student, reported):
    from django.core.exceptions import ValidationError

    message, _ = reported
    report_circle_message(student=student, message_id=message.pk, reason="other")
    # The second request checked before the first one's row was committed.
    monkeypatch.setattr("circles.services.already_reported", lambda student, message: False)

    with pytest.raises(ValidationError, match="already reported"):
        report_circle_message(student=student, message_id=message.pk, reason="other")
    assert MessageReport.objects.count() == 1


def test_a_removed_message_cannot_be_reported(client, student, reported, wellness_lead):
    from circles.services import resolve_report

    message, peers = reported
    report = report_circle_message(student=student, message_id=message.pk, reason="hateful")
    resolve_report(report=report, by=wellness_lead, remove_message=True)
    client.force_login(peers[1])

    page = client.get(reverse("circle_report", args=[message.pk]))
    api = client.post(
        f"/api/circles/messages/{message.pk}/report",
        {"reason": "other"},
        content_type="application/json",
    )

    assert page.status_code == 404 and api.status_code == 404
    assert MessageReport.objects.count() == 1


def test_opting_out_cannot_erase_a_report(client, student, reported, wellness_lead):
    from circles.services import opt_out_of_circles

    message, peers = reported
    other = post_circle_message(student=peers[0], circle_id=message.circle_id, body="unreported")
    report = report_circle_message(student=student, message_id=message.pk, reason="harassment")

    opt_out_of_circles(student=peers[0])

    message.refresh_from_db()
    other.refresh_from_db()
    assert MessageReport.objects.get().status == "open"
    assert bytes(other.body_encrypted) == b"" and bytes(message.body_encrypted) != b""
    client.force_login(student)
    board = client.get(reverse("circle", args=[message.circle_id])).content.decode()
    assert "useless" not in board and "<strong>Cedar</strong>" not in board
    client.force_login(wellness_lead)
    url = reverse("circle_report_review", args=[report.pk])
    assert SECRET.replace("'", "&#x27;") in client.get(url).content.decode()

    client.post(url, {"action": "dismiss"})

    message.refresh_from_db()
    assert bytes(message.body_encrypted) == b"" and message.author_pseudonym == ""


def test_the_reporter_sees_the_message_they_are_reporting(client, student, reported):
    message, _ = reported
    client.force_login(student)

    url = reverse("circle_report", args=[message.pk])
    html = client.get(url).content.decode()
    refused = client.post(url, {"reason": ""}).content.decode()

    assert "Cedar is useless, don&#x27;t listen to them" in html
    assert 'class="error-summary"' in refused and 'href="#id_reason_0"' in refused
