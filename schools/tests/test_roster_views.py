"""The roster page, as the school administrator and as everyone who must be refused."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import make_cohort, make_staff, make_student, with_totp
from schools.models import RosterEntry, StaffRole
from schools.roster import import_roster, parse_roster, refresh_verification
from schools.tests.test_roster import xlsx_file
from vault.models import AuditEvent

pytestmark = pytest.mark.django_db

GOOD = b"email,cohort\nana@riverside.example,2028\nben@riverside.example,2028\n"
ONE_BAD_ROW = b"email,cohort\nana@riverside.example,2028\nben@riverside,2028\n"


@pytest.fixture
def admin(school):
    user = make_staff(school, "registrar@riverside.example", role=StaffRole.SCHOOL_ADMIN)
    with_totp(user)
    return user


@pytest.fixture
def other_admin(other_school):
    user = make_staff(other_school, "registrar@hillcrest.example", role=StaffRole.SCHOOL_ADMIN)
    with_totp(user)
    return user


@pytest.fixture
def entry(school, cohort):
    return RosterEntry.objects.create(school=school, email="ana@riverside.example", cohort=cohort)


def roster_file(data: bytes, name: str = "roster.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="text/csv")


def routes(entry) -> list[tuple[str, str]]:
    return [
        ("get", reverse("school_roster")),
        ("get", reverse("school_roster_template")),
        ("get", reverse("school_roster_export")),
        ("post", reverse("school_roster_remove", args=[entry.pk])),
    ]


def test_the_administrator_reaches_every_roster_route(client, admin, entry):
    client.force_login(admin)
    for method, url in routes(entry)[:-1]:
        response = getattr(client, method)(url)
        assert response.status_code == 200, url
        assert "no-cache" in response["Cache-Control"]


@pytest.mark.parametrize("role", [StaffRole.EDUCATOR, StaffRole.WELLNESS_LEAD, StaffRole.DEAN])
def test_other_staff_roles_are_refused_and_change_nothing(client, school, entry, role):
    user = make_staff(school, f"{role}@riverside.example", role=role)
    with_totp(user)
    client.force_login(user)
    for method, url in routes(entry):
        assert getattr(client, method)(url).status_code == 403, url
    assert client.post(reverse("school_roster"), {"file": roster_file(GOOD)}).status_code == 403
    assert list(RosterEntry.objects.values_list("email", flat=True)) == [entry.email]


def test_students_and_operators_are_refused(client, student, operator, entry):
    with_totp(operator)
    for user in (student, operator):
        client.force_login(user)
        for method, url in routes(entry):
            assert getattr(client, method)(url).status_code == 403, (user, url)
    assert RosterEntry.objects.count() == 2  # the entry, and the student's own


def test_anonymous_visitors_are_sent_to_sign_in(client, entry):
    for method, url in routes(entry):
        response = getattr(client, method)(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert RosterEntry.objects.count() == 1


def test_another_schools_administrator_sees_only_their_own_roster(client, other_admin, entry):
    client.force_login(other_admin)

    page = client.get(reverse("school_roster"))
    assert page.status_code == 200
    assert entry.email not in page.content.decode()
    assert entry.email not in client.get(reverse("school_roster_export")).content.decode()
    removal = client.post(reverse("school_roster_remove", args=[entry.pk]))

    assert removal.status_code == 404
    assert RosterEntry.objects.filter(pk=entry.pk).exists()


def test_an_administrator_without_an_authenticator_is_sent_to_set_one_up(client, school):
    user = make_staff(school, "new.registrar@riverside.example", role=StaffRole.SCHOOL_ADMIN)
    client.force_login(user)

    response = client.get(reverse("school_roster"))

    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")


def test_uploading_a_good_file_imports_it_and_says_what_changed(client, admin, cohort):
    client.force_login(admin)

    response = client.post(reverse("school_roster"), {"file": roster_file(GOOD)}, follow=True)

    assert "Roster imported: 2 added, 0 moved to another cohort, 0 removed, 0 unchanged." in (
        response.content.decode()
    )
    assert sorted(RosterEntry.objects.values_list("email", flat=True)) == [
        "ana@riverside.example",
        "ben@riverside.example",
    ]
    assert AuditEvent.objects.filter(kind="roster_imported").count() == 1


def test_a_file_with_one_bad_row_imports_nothing_and_lists_the_row(client, admin, cohort):
    client.force_login(admin)

    response = client.post(reverse("school_roster"), {"file": roster_file(ONE_BAD_ROW)})

    body = response.content.decode()
    assert response.status_code == 200
    assert "Nothing was imported. Fix this and upload again:" in body
    assert "Row 3: “ben@riverside” is not an email address." in body
    assert not RosterEntry.objects.exists()
    assert not AuditEvent.objects.filter(kind="roster_imported").exists()


def test_an_xlsx_upload_works_like_a_csv(client, admin, cohort):
    client.force_login(admin)
    data = xlsx_file([["email", "cohort"], ["ana@riverside.example", 2028]]).getvalue()

    client.post(reverse("school_roster"), {"file": roster_file(data, "roster.xlsx")})

    assert list(RosterEntry.objects.values_list("email", flat=True)) == ["ana@riverside.example"]


def test_replacing_takes_off_whoever_the_file_leaves_out(client, admin, entry):
    client.force_login(admin)
    data = b"email,cohort\nben@riverside.example,2028\n"

    client.post(reverse("school_roster"), {"file": roster_file(data), "replace": "on"})

    assert list(RosterEntry.objects.values_list("email", flat=True)) == ["ben@riverside.example"]


def test_removing_an_entry_stops_the_student_counting(client, admin, school, cohort):
    student = make_student(cohort, "ana@riverside.example", rotation=None, on_roster=False)
    entries, _ = parse_roster(roster_file(GOOD), school)
    import_roster(school, entries, replace=False, by=admin)
    student.enrollment.refresh_from_db()
    assert student.enrollment.verified_at is not None
    entry = RosterEntry.objects.get(email="ana@riverside.example")
    client.force_login(admin)

    response = client.post(reverse("school_roster_remove", args=[entry.pk]), follow=True)

    assert "ana@riverside.example is no longer on the roster." in response.content.decode()
    student.enrollment.refresh_from_db()
    assert student.enrollment.verified_at is None


def test_the_page_shows_counts_per_cohort_coarsely_and_never_who_joined(
    client, admin, school, cohort
):
    make_cohort(school, 2029)
    rows = "".join(f"s{i}@riverside.example,2028\n" for i in range(14))
    entries, _ = parse_roster(roster_file(f"email,cohort\n{rows}".encode()), school)
    import_roster(school, entries, replace=False, by=admin)
    for i in range(12):
        joined = make_student(cohort, f"s{i}@riverside.example", rotation=None, on_roster=False)
        refresh_verification(joined.enrollment)
    refresh_verification(
        make_student(cohort, "unlisted@r.example", rotation=None, on_roster=False).enrollment
    )
    client.force_login(admin)

    body = client.get(reverse("school_roster")).content.decode()

    # 14 listed (the school's own list, exact); 13 joined and 12 count, shown as 10–14.
    assert "<td>Class of 2028</td><td>14</td><td>10–14</td><td>10–14</td>" in body
    assert "<td>Class of 2029</td><td>0</td><td>fewer than 10</td><td>fewer than 10</td>" in body
    assert "unlisted@r.example" not in body
    listed = body.split('id="entries"')[1]
    assert "s0@riverside.example" in listed
    for status in ("Joined", "Counted", "erified", "signed up"):
        assert status not in listed


def test_the_list_can_be_searched(client, admin, school, cohort):
    RosterEntry.objects.create(school=school, email="ana@riverside.example", cohort=cohort)
    RosterEntry.objects.create(school=school, email="ben@riverside.example", cohort=cohort)
    client.force_login(admin)

    body = client.get(reverse("school_roster"), {"q": "ANA"}).content.decode()

    assert "ana@riverside.example" in body and "ben@riverside.example" not in body


def test_the_template_and_export_are_csv_in_the_upload_format(client, admin, entry):
    client.force_login(admin)

    template = client.get(reverse("school_roster_template"))
    export = client.get(reverse("school_roster_export"))

    assert template["Content-Type"].startswith("text/csv")
    assert template.content.decode().splitlines() == ["email,cohort"]
    assert export.content.decode().splitlines() == ["email,cohort", "ana@riverside.example,2028"]


def test_the_navigation_links_the_roster_for_the_administrator_only(client, admin, staff):
    with_totp(staff)
    client.force_login(admin)
    home = client.get(reverse("home")).content.decode()
    assert 'href="/school/roster/">Roster</a>' in home
    assert "Upload or edit the roster" in home
    client.force_login(staff)
    assert reverse("school_roster") not in client.get(reverse("home")).content.decode()


def test_a_file_wrong_throughout_lists_its_first_50_problems_and_counts_the_rest(
    client, admin, cohort
):
    rows = "".join(f"student{i},2028\n" for i in range(120))
    client.force_login(admin)

    response = client.post(
        reverse("school_roster"), {"file": roster_file(f"email,cohort\n{rows}".encode())}
    )

    body = response.content.decode()
    assert "Row 51: “student49” is not an email address." in body
    assert "Row 52:" not in body
    assert "… and 70 more rows with problems." in body
    assert not RosterEntry.objects.exists()


def test_the_page_costs_the_same_queries_for_a_small_and_a_large_roster(
    client, admin, school, cohort
):
    client.force_login(admin)

    def queries_with(n: int) -> int:
        RosterEntry.objects.bulk_create(
            RosterEntry(school=school, email=f"n{n}-{i}@riverside.example", cohort=cohort)
            for i in range(n)
        )
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("school_roster")).status_code == 200
        return len(queries)

    assert queries_with(3) == queries_with(150)
