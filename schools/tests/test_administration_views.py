"""The school administrator's pages, each form valid and invalid, and what each change leaves
in the audit trail. Who may reach them is walked in the authorization matrix."""

import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone

from conftest import PASSWORD, make_staff, with_totp
from schools.administration import invitation_for_token, invitation_token, new_invitation
from schools.models import (
    Cohort,
    InviteCode,
    School,
    StaffInvitation,
    StaffMembership,
    StaffRole,
)
from schools.services import enroll_with_invite
from vault.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(school):
    user = make_staff(school, "registrar@riverside.example", role=StaffRole.SCHOOL_ADMIN)
    with_totp(user)
    return user


@pytest.fixture
def admin_client(client, admin):
    client.force_login(admin)
    return client


def kinds() -> list[str]:
    """The audit events of changes (not of signing in and out), oldest first."""
    events = AuditEvent.objects.exclude(kind__in=["login", "logout"]).order_by("pk")
    return list(events.values_list("kind", flat=True))


def test_the_landing_page_links_every_administration_page(admin_client):
    response = admin_client.get(reverse("school_admin"))

    assert response.status_code == 200
    for name in [
        "school_admin_cohorts",
        "school_roster",
        "school_admin_staff",
        "school_admin_settings",
        "support_manage",
    ]:
        assert f'href="{reverse(name)}"' in response.content.decode(), name


# Cohorts --------------------------------------------------------------------------------------


def test_an_administrator_adds_a_cohort(admin_client, school):
    year = timezone.now().year + 4

    response = admin_client.post(reverse("school_admin_cohorts"), {"graduation_year": year})

    cohort = Cohort.objects.get(school=school, graduation_year=year)
    assert response.status_code == 302 and response.url == reverse(
        "school_admin_cohort", args=[cohort.pk]
    )
    assert kinds() == ["cohort_created"]


@pytest.mark.parametrize(
    ("year", "message"),
    [("", "This field is required"), ("soon", "Enter a whole number"), ("1900", "between")],
)
def test_a_bad_graduation_year_is_refused_next_to_the_field(admin_client, school, year, message):
    response = admin_client.post(reverse("school_admin_cohorts"), {"graduation_year": year})

    assert response.status_code == 200
    assert message in str(response.context["form"].errors["graduation_year"])
    assert not Cohort.objects.filter(school=school).exists()
    assert kinds() == []


def test_a_second_cohort_of_the_same_year_is_refused(admin_client, cohort):
    response = admin_client.post(
        reverse("school_admin_cohorts"), {"graduation_year": cohort.graduation_year}
    )

    assert "already has a Class of 2028" in str(response.context["form"].errors)
    assert Cohort.objects.count() == 1


def test_renaming_a_cohort_changes_its_year_and_refuses_a_taken_one(admin_client, school, cohort):
    Cohort.objects.create(school=school, graduation_year=2029)
    url = reverse("school_admin_cohort", args=[cohort.pk])

    refused = admin_client.post(url, {"graduation_year": 2029})
    assert refused.status_code == 200
    assert "already has a Class of 2029" in str(refused.context["form"].errors["graduation_year"])

    admin_client.post(url, {"graduation_year": 2030})
    cohort.refresh_from_db()
    assert cohort.graduation_year == 2030
    assert kinds() == ["cohort_changed"]


def test_archiving_a_cohort_stops_its_codes_and_restoring_brings_them_back(
    admin_client, cohort, invite, student
):
    url = reverse("school_admin_cohort_archive", args=[cohort.pk])
    admin_client.post(url, {"archived": "1"})
    cohort.refresh_from_db()
    assert cohort.is_archived
    newcomer = get_user_model().objects.create_user(email="new@riverside.example")
    with pytest.raises(Exception, match="no longer in use"):
        enroll_with_invite(student=newcomer, code=invite.code)
    page = admin_client.get(reverse("school_admin_cohort", args=[cohort.pk]))
    assert "Make the code" not in page.content.decode()

    admin_client.post(url, {"archived": "0"})
    cohort.refresh_from_db()
    assert not cohort.is_archived
    assert enroll_with_invite(student=newcomer, code=invite.code).cohort == cohort
    assert kinds() == ["cohort_archived", "cohort_restored"]


def test_another_schools_cohort_is_not_found(admin_client, other_school):
    theirs = Cohort.objects.create(school=other_school, graduation_year=2028)

    assert admin_client.get(reverse("school_admin_cohort", args=[theirs.pk])).status_code == 404
    response = admin_client.post(reverse("school_admin_cohort_archive", args=[theirs.pk]))
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert not theirs.is_archived


# Invite codes ---------------------------------------------------------------------------------


def test_an_administrator_makes_a_limited_code_students_can_use(admin_client, school, cohort):
    expires_on = school.today() + timedelta(days=10)

    response = admin_client.post(
        reverse("school_admin_code_new", args=[cohort.pk]),
        {"expires_on": expires_on.isoformat(), "max_uses": "2"},
    )

    invite = InviteCode.objects.get(cohort=cohort)
    assert response.status_code == 302
    assert invite.max_uses == 2
    local_expiry = timezone.localtime(invite.expires_at, ZoneInfo(school.timezone))
    assert (local_expiry.date(), local_expiry.hour) == (expires_on + timedelta(days=1), 0)
    page = admin_client.get(reverse("school_admin_cohort", args=[cohort.pk])).content.decode()
    assert invite.code in page and "0 of 2" in page
    assert kinds() == ["invite_code_created"]


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"expires_on": "", "max_uses": ""}, "expires_on", "This field is required"),
        ({"expires_on": "next week", "max_uses": ""}, "expires_on", "Enter a valid date"),
        ({"expires_on": "2000-01-01", "max_uses": ""}, "expires_on", "today or a later day"),
        ({"expires_on": "2099-01-01", "max_uses": "0"}, "max_uses", "greater than or equal to 1"),
    ],
)
def test_a_bad_invite_code_is_refused_next_to_its_field(admin_client, cohort, data, field, message):
    response = admin_client.post(reverse("school_admin_code_new", args=[cohort.pk]), data)

    assert response.status_code == 200
    assert message in str(response.context["code_form"].errors[field])
    assert not InviteCode.objects.exists()


def test_a_revoked_code_no_longer_lets_anyone_in_and_shows_its_uses(admin_client, invite, student):
    response = admin_client.post(reverse("school_admin_code_revoke", args=[invite.pk]))

    invite.refresh_from_db()
    assert response.status_code == 302 and invite.revoked_at is not None
    newcomer = get_user_model().objects.create_user(email="new@riverside.example")
    with pytest.raises(Exception, match="no longer in use"):
        enroll_with_invite(student=newcomer, code=invite.code)
    page = admin_client.get(reverse("school_admin_cohort", args=[invite.cohort_id]))
    assert "Revoked" in page.content.decode()
    assert kinds() == ["invite_code_revoked"]


# Staff ----------------------------------------------------------------------------------------


def test_inviting_a_colleague_lists_the_invitation_as_waiting(admin_client, school):
    response = admin_client.post(
        reverse("school_admin_staff"),
        {"email": "New.Dean@Riverside.example", "role": StaffRole.DEAN},
    )

    assert response.status_code == 302
    invitation = StaffInvitation.objects.get()
    assert (invitation.email, invitation.role) == ("new.dean@riverside.example", "dean")
    assert "new.dean@riverside.example" in admin_client.get(response.url).content.decode()
    assert kinds() == ["staff_invited"]


def test_the_invitation_email_is_sent_by_the_task_queue(
    admin_client, school, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            reverse("school_admin_staff"),
            {"email": "new.dean@riverside.example", "role": StaffRole.DEAN},
        )

    assert len(mail.outbox) == 1
    link = re.search(r"http\S+/school/join/\S+/", mail.outbox[0].body).group(0)
    path = link.split("://", 1)[1].split("/", 1)[1]
    admin_client.logout()
    page = admin_client.get("/" + path)
    assert "Join Riverside Medical School as dean" in page.content.decode()

    response = admin_client.post(
        "/" + path, {"password1": "a long new pass phrase", "password2": "a long new pass phrase"}
    )

    membership = StaffMembership.objects.get(user__email="new.dean@riverside.example")
    assert membership.role == StaffRole.DEAN and membership.school == school
    assert response.status_code == 302
    # Staff set up an authenticator before anything else, as after any sign-in.
    assert admin_client.get(reverse("cohort_dashboard")).url == reverse("mfa_activate_totp")
    assert "staff_joined" in kinds()
    # The link works once.
    admin_client.logout()
    assert admin_client.get("/" + path).status_code == 410


def test_accepting_with_mismatched_passwords_shows_the_error_and_creates_nothing(client, school):
    invitation = new_invitation(school=school, email="new@riverside.example", role="educator")
    url = reverse("staff_invitation", args=[invitation_token(invitation)])

    response = client.post(url, {"password1": "a long new pass phrase", "password2": "other"})

    assert response.status_code == 200
    assert "differ" in str(response.context["form"].errors["password2"])
    assert not StaffMembership.objects.filter(user__email="new@riverside.example").exists()


def test_an_existing_account_signs_in_to_accept_and_another_account_cannot(client, school):
    user = get_user_model().objects.create_user(email="known@riverside.example", password=PASSWORD)
    invitation = new_invitation(school=school, email=user.email, role="wellness_lead")
    url = reverse("staff_invitation", args=[invitation_token(invitation)])

    assert "sign in as known@riverside.example" in client.get(url).content.decode()
    stranger = get_user_model().objects.create_user(email="stranger@riverside.example")
    client.force_login(stranger)
    assert "Sign out, then open the link again" in client.post(url).content.decode()
    assert not StaffMembership.objects.exists()

    client.force_login(user)
    assert client.post(url).status_code == 302
    assert StaffMembership.objects.get(user=user).role == "wellness_lead"


def test_a_forged_or_revoked_invitation_link_is_refused(client, admin_client, school):
    assert client.get(reverse("staff_invitation", args=["forged"])).status_code == 410
    invitation = new_invitation(school=school, email="new@riverside.example", role="educator")
    admin_client.post(reverse("school_admin_invitation_revoke", args=[invitation.pk]))
    admin_client.logout()

    response = admin_client.get(reverse("staff_invitation", args=[invitation_token(invitation)]))

    assert response.status_code == 410
    assert "withdrawn" in response.content.decode()
    assert kinds() == ["staff_invitation_revoked"]


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"email": "", "role": "dean"}, "email", "This field is required"),
        ({"email": "not-an-email", "role": "dean"}, "email", "Enter a valid email"),
        ({"email": "x@riverside.example", "role": "king"}, "role", "Select a valid choice"),
        ({"email": "student@riverside.example", "role": "dean"}, "email", "belongs to a student"),
        ({"email": "registrar@riverside.example", "role": "dean"}, "email", "already on"),
    ],
)
def test_a_bad_invitation_is_refused_next_to_its_field(admin_client, student, data, field, message):
    response = admin_client.post(reverse("school_admin_staff"), data)

    assert response.status_code == 200
    assert message in str(response.context["form"].errors[field])
    assert not StaffInvitation.objects.exists()


def test_an_administrator_removes_a_colleague_but_never_the_last_administrator(
    admin_client, admin, staff
):
    educator = StaffMembership.objects.get(user=staff)
    admin_client.post(reverse("school_admin_staff_remove", args=[educator.pk]))
    assert not StaffMembership.objects.filter(user=staff).exists()

    own = StaffMembership.objects.get(user=admin)
    response = admin_client.post(reverse("school_admin_staff_remove", args=[own.pk]), follow=True)

    assert "only administrator" in response.content.decode()
    assert StaffMembership.objects.filter(user=admin).exists()
    assert kinds() == ["staff_removed"]


def test_another_schools_staff_cannot_be_removed(admin_client, other_staff):
    theirs = StaffMembership.objects.get(user=other_staff)

    response = admin_client.post(reverse("school_admin_staff_remove", args=[theirs.pk]))

    assert response.status_code == 404
    assert StaffMembership.objects.filter(pk=theirs.pk).exists()


# Settings -------------------------------------------------------------------------------------


def test_k_can_be_raised_and_the_time_zone_changed(admin_client, school):
    response = admin_client.post(
        reverse("school_admin_settings"), {"min_cell_size": 15, "timezone": "Europe/London"}
    )

    school.refresh_from_db()
    assert response.status_code == 302
    assert (school.min_cell_size, school.timezone) == (15, "Europe/London")
    assert kinds() == ["school_settings_changed"]


def test_lowering_k_is_refused_with_the_reason(admin_client, school):
    school.min_cell_size = 15
    school.save()

    response = admin_client.post(
        reverse("school_admin_settings"), {"min_cell_size": 12, "timezone": school.timezone}
    )

    assert response.status_code == 200
    assert "can only be raised" in str(response.context["form"].errors["min_cell_size"])
    school.refresh_from_db()
    assert school.min_cell_size == 15
    assert kinds() == []


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"min_cell_size": "9", "timezone": "UTC"}, "min_cell_size", "greater than or equal to 10"),
        ({"min_cell_size": "500", "timezone": "UTC"}, "min_cell_size", "less than or equal to 50"),
        ({"min_cell_size": "ten", "timezone": "UTC"}, "min_cell_size", "whole number"),
        ({"min_cell_size": "10", "timezone": "Mars/Olympus"}, "timezone", "valid choice"),
    ],
)
def test_bad_settings_are_refused_next_to_the_field(admin_client, school, data, field, message):
    response = admin_client.post(reverse("school_admin_settings"), data)

    assert response.status_code == 200
    assert message in str(response.context["form"].errors[field])
    school.refresh_from_db()
    assert (school.min_cell_size, school.timezone) == (10, "America/New_York")


# The operator's command -----------------------------------------------------------------------


def test_the_operator_creates_a_school_and_invites_its_first_administrator(capsys):
    call_command(
        "create_school",
        "--name",
        "Lakeside College of Medicine",
        "--slug",
        "lakeside",
        "--timezone",
        "America/Denver",
        "--admin-email",
        "Registrar@Lakeside.example",
    )

    school = School.objects.get(slug="lakeside")
    assert school.timezone == "America/Denver"
    invitation = StaffInvitation.objects.get(school=school)
    assert (invitation.email, invitation.role) == ("registrar@lakeside.example", "school_admin")
    # The printed link carries a signed, timestamped token for this invitation (made a
    # second apart, two tokens of it differ: read the printed one back instead).
    link = capsys.readouterr().out.strip().splitlines()[-1]
    token = link.rstrip("/").rsplit("/", 1)[-1]
    assert link.startswith("http") and "/school/join/" in link
    assert invitation_for_token(token) == invitation
    assert kinds() == ["school_created"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--timezone", "Nowhere/City", "--admin-email", "a@b.example"], "not a time zone"),
        (["--timezone", "UTC", "--admin-email", "nobody"], "Enter an email address"),
    ],
)
def test_create_school_refuses_bad_input_and_creates_nothing(args, message):
    with pytest.raises(CommandError, match=message):
        call_command("create_school", "--name", "X", "--slug", "x", *args)
    assert not School.objects.filter(slug="x").exists()
