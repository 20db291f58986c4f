import pytest
from django.conf import settings
from django.test import RequestFactory
from django.urls import reverse
from django.views.debug import get_default_exception_reporter_filter

from conftest import with_totp
from vault.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_staff_sessions_expire_after_idle_minutes(client, staff):
    with_totp(staff)
    client.force_login(staff)

    client.get(reverse("home"))

    assert client.session.get_expiry_age() == settings.STAFF_IDLE_SECONDS == 30 * 60


def test_student_sessions_keep_the_default_age(client, student):
    client.force_login(student)

    client.get(reverse("home"))

    assert client.session.get_expiry_age() == settings.SESSION_COOKIE_AGE


def test_error_reports_hide_every_posted_value():
    request = RequestFactory().post("/checkin/", {"note": "I feel awful", "mood": "1"})

    cleaned = get_default_exception_reporter_filter().get_post_parameters(request)

    assert set(cleaned.values()) == {"********************"}
    assert "I feel awful" not in str(cleaned)


def test_security_events_are_audited_without_content(client, student):
    client.post(reverse("account_login"), {"login": student.email, "password": "wrong password"})
    client.post(
        reverse("account_login"),
        {"login": student.email, "password": "correct horse battery staple"},
    )

    kinds = list(AuditEvent.objects.order_by("at").values_list("kind", flat=True))
    assert kinds == ["login_failed", "login"]
    failed = AuditEvent.objects.get(kind="login_failed")
    assert failed.actor == ""
    for event in AuditEvent.objects.all():
        assert student.email not in str(event.__dict__)


def test_personal_pages_are_never_cached(client, student):
    client.force_login(student)

    for name in ["home", "checkin", "screenings"]:
        cache_control = client.get(reverse(name))["Cache-Control"]
        assert "no-store" in cache_control and "private" in cache_control, name
