"""Staff reads of aggregates reach the audit trail (cohorts announces, the project records)."""

from datetime import UTC, datetime, timedelta

import pytest

from cohorts.tests import test_dashboard as dashboard
from cohorts.tests import test_reports as reports
from conftest import make_staff, with_totp
from schools.models import StaffMembership, StaffRole
from vault import audit
from vault.audit import actor_ref
from vault.models import AuditEvent

DASHBOARD, EXPORT = dashboard.DASHBOARD, dashboard.EXPORT
busy_cohort, staff_client = dashboard.busy_cohort, dashboard.staff_client  # the same fixtures


def test_each_dashboard_view_and_export_is_audited_without_content(
    staff_client, staff, busy_cohort
):
    staff_client.get(DASHBOARD, {"cohort": busy_cohort.pk})
    staff_client.get(EXPORT, {"cohort": busy_cohort.pk})
    staff_client.get("/school/export.xlsx", {"cohort": busy_cohort.pk})

    events = list(AuditEvent.objects.order_by("pk").values_list("kind", "actor", "school_id"))
    school = busy_cohort.school_id
    assert events == [
        ("staff_dashboard_viewed", actor_ref(staff.pk), school),
        ("staff_export_downloaded", actor_ref(staff.pk), school),
        ("staff_export_downloaded", actor_ref(staff.pk), school),
    ]


def test_a_refused_request_is_not_recorded_as_a_view(staff_client, busy_cohort):
    assert staff_client.get(DASHBOARD, {"cohort": busy_cohort.pk, "sneaky": 1}).status_code == 404
    assert not AuditEvent.objects.exists()


def test_each_dashboard_api_answer_is_audited_and_a_refusal_is_not(
    staff_client, staff, busy_cohort
):
    api = f"/api/school/cohorts/{busy_cohort.pk}"
    assert staff_client.get(f"{api}/trend", {"measure": "stress"}).status_code == 200
    assert staff_client.get(f"{api}/bands", {"measure": "screen:phq9"}).status_code == 200
    assert staff_client.get(f"{api}/participation").status_code == 200
    assert staff_client.get("/api/school/campaigns").status_code == 200
    assert staff_client.get(f"{api}/trend", {"measure": "nonsense"}).status_code == 422
    assert staff_client.get("/api/school/cohorts/999999/trend").status_code == 404

    events = list(AuditEvent.objects.order_by("pk").values_list("kind", "actor", "school_id"))
    assert events == [("staff_api_read", actor_ref(staff.pk), busy_cohort.school_id)] * 4


# Committed as in production: a read inside a test's transaction is always written.
@pytest.mark.django_db(transaction=True)
def test_an_answer_read_as_stored_is_audited_once_a_minute_and_still_refused_to_others(
    staff_client, staff, busy_cohort, client, other_school
):
    url = f"/api/school/cohorts/{busy_cohort.pk}/trend?measure=stress"
    first = staff_client.get(url)
    second = staff_client.get(url)  # sent as stored (cohorts/answers.py)

    assert second.content == first.content
    assert "no-store" in second["Cache-Control"]
    # The same read again within the minute (vault.audit.record_read): no second row.
    assert AuditEvent.objects.filter(kind="staff_api_read").count() == 1
    assert staff_client.get(url + "&weeks=26").status_code == 200  # another read: recorded
    assert AuditEvent.objects.filter(kind="staff_api_read").count() == 2
    stranger = make_staff(other_school, "stranger@elsewhere.example")
    with_totp(stranger)
    client.force_login(stranger)
    assert client.get(url).status_code == 404
    assert AuditEvent.objects.filter(kind="staff_api_read").count() == 2


# Committed as in production: a read inside a test's transaction is always written.
@pytest.mark.django_db(transaction=True)
def test_a_repeated_read_is_recorded_again_the_next_minute_and_for_another_reader(
    staff_client, staff, busy_cohort, client, monkeypatch
):
    url = f"/api/school/cohorts/{busy_cohort.pk}/trend?measure=stress"
    minute = [datetime(2026, 12, 7, 10, 0, tzinfo=UTC)]
    monkeypatch.setattr(audit, "this_minute", lambda: minute[0])
    staff_client.get(url)
    staff_client.get(url)
    minute[0] += timedelta(minutes=1)
    staff_client.get(url)
    colleague = make_staff(busy_cohort.school, "colleague@school.example")
    with_totp(colleague)
    client.force_login(colleague)
    assert client.get(url).status_code == 200

    actors = list(AuditEvent.objects.order_by("pk").values_list("actor", flat=True))
    assert actors == [actor_ref(staff.pk)] * 2 + [actor_ref(colleague.pk)]


def test_page_views_and_downloads_are_recorded_every_time(staff_client, busy_cohort):
    for _ in range(2):
        staff_client.get(DASHBOARD, {"cohort": busy_cohort.pk})
        staff_client.get(EXPORT, {"cohort": busy_cohort.pk})

    kinds = list(AuditEvent.objects.order_by("pk").values_list("kind", flat=True))
    assert kinds == ["staff_dashboard_viewed", "staff_export_downloaded"] * 2


def test_a_campaign_list_spanning_two_schools_is_in_both_schools_trails(
    staff_client, staff, school, other_school
):
    StaffMembership.objects.create(user=staff, school=other_school, role=StaffRole.EDUCATOR)

    assert staff_client.get("/api/school/campaigns").status_code == 200

    events = set(AuditEvent.objects.values_list("kind", "school_id"))
    assert events == {("staff_api_read", school.pk), ("staff_api_read", other_school.pk)}


def test_campaign_and_report_pages_are_audited_once_they_show_figures(staff_client, staff, cohort):
    before, after, _ = reports.study(cohort)

    assert staff_client.get("/school/campaigns/").status_code == 200
    assert staff_client.get(f"/school/campaigns/{after.pk}/").status_code == 200
    assert staff_client.get("/school/reports/").status_code == 200  # the choice only: no figures
    report = staff_client.get("/school/reports/", {"before": before.pk, "after": after.pk})
    assert report.status_code == 200

    events = list(AuditEvent.objects.order_by("pk").values_list("kind", "actor", "school_id"))
    assert events == [("staff_dashboard_viewed", actor_ref(staff.pk), cohort.school_id)] * 3
