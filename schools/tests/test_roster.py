"""Who counts: the roster, parsed all or nothing, and each enrollment's verification."""

import io
import re
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from allauth.account.signals import email_changed, email_confirmed
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook

from conftest import make_cohort, make_school, make_staff, make_student, make_user
from schools import roster
from schools.models import Enrollment, InviteCode, RosterEntry, StaffRole, VerifiedBy
from schools.roster import (
    import_roster,
    mark_verified_by_identity_provider,
    parse_roster,
    refresh_verification,
    remove_from_roster,
    verification_changed,
)
from schools.selectors import verified_enrollments
from schools.services import enroll_with_invite
from vault.models import AuditEvent

pytestmark = pytest.mark.django_db


def csv_file(text: str) -> io.BytesIO:
    return io.BytesIO(text.encode())


def xlsx_file(rows: list[list]) -> io.BytesIO:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    data = io.BytesIO()
    workbook.save(data)
    data.seek(0)
    return data


@pytest.fixture
def admin(school):
    return make_staff(school, "registrar@riverside.example", role=StaffRole.SCHOOL_ADMIN)


@pytest.fixture
def changes():
    """The verification_changed signals sent during the test, as (email, verified)."""
    seen = []

    def listen(sender, *, enrollment, verified, **kwargs):
        seen.append((enrollment.student.email, verified))

    verification_changed.connect(listen, dispatch_uid="test-changes")
    yield seen
    verification_changed.disconnect(dispatch_uid="test-changes")


def upload(school, text: str, *, replace: bool = False, by):
    entries, errors = parse_roster(csv_file(text), school)
    assert errors == [], errors
    return import_roster(school, entries, replace=replace, by=by)


def enrollment(user) -> Enrollment:
    return Enrollment.objects.get(student=user)


# Parsing --------------------------------------------------------------------------------------


def test_a_good_file_gives_one_entry_per_row_normalised(school, cohort):
    entries, errors = parse_roster(
        csv_file(
            "Email,Cohort\r\n Ana@Riverside.Example ,2028\r\n\r\n"
            "ben@riverside.example,Class of 2028\r\n"
        ),
        school,
    )

    assert errors == []
    assert [(e.row, e.email, e.cohort) for e in entries] == [
        (2, "ana@riverside.example", cohort),
        (4, "ben@riverside.example", cohort),
    ]


def test_columns_may_come_in_either_order_and_a_bom_is_ignored(school, cohort):
    entries, errors = parse_roster(
        io.BytesIO("\ufeffcohort,email\n2028,ana@r.example\n".encode()), school
    )

    assert errors == []
    assert entries[0].email == "ana@r.example"


def test_one_bad_row_rejects_the_whole_file_with_every_problem_and_its_row(school, cohort, staff):
    text = (
        "email,cohort\n"
        "ana@riverside.example,2028\n"
        "not-an-email,2028\n"
        "ben@riverside.example,2031\n"
        "ANA@riverside.example,2028\n"
        "educator@riverside.example,2028\n"
        "cy@riverside.example,2028\n"
    )

    entries, errors = parse_roster(csv_file(text), school)

    assert entries == []
    assert [str(e) for e in errors] == [
        "Row 3: “not-an-email” is not an email address.",
        "Row 4: “2031” is not one of your school's cohorts (graduation years: 2028).",
        "Row 5: ana@riverside.example is listed twice (first on row 2).",
        "Row 6: educator@riverside.example is a staff account; staff cannot be students.",
    ]


def test_a_cohort_of_another_school_is_unknown_here(school, cohort):
    make_cohort(make_school("hillcrest", "Hillcrest"), 2030)

    _, errors = parse_roster(csv_file("email,cohort\nana@r.example,2030\n"), school)

    assert [e.row for e in errors] == [2]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The file is empty"),
        (b"email,cohort\n", "no students"),
        (b"name,year\nana@r.example,2028\n", "Row 1: the first row must name the columns"),
        (b"email,cohort\nana@r.example,2028,extra\n", "Row 2: has more cells"),
        ("email,cohort\nzoë@r.example,2028\n".encode("latin-1"), "not UTF-8"),
        (b"PK\x03\x04 not really a spreadsheet", "could not be read"),
        (b"email,cohort\n" + b"a" * 200_000 + b",2028\n", "not a CSV file we can read"),
    ],
)
def test_files_that_are_not_a_roster_say_what_to_do(school, cohort, data, message):
    entries, errors = parse_roster(io.BytesIO(data), school)

    assert entries == []
    assert message in str(errors[0])


def test_an_xlsx_roster_reads_like_the_csv(school, cohort):
    entries, errors = parse_roster(
        xlsx_file([["email", "cohort"], ["ana@r.example", 2028], [None, None]]), school
    )

    assert errors == []
    assert [(e.row, e.email, e.cohort) for e in entries] == [(2, "ana@r.example", cohort)]


def test_an_xlsx_with_a_bad_row_is_rejected_too(school, cohort):
    entries, errors = parse_roster(
        xlsx_file([["email", "cohort"], ["ana@r.example", 2028], ["ben@r.example", 1999]]), school
    )

    assert entries == []
    assert [e.row for e in errors] == [3]


# Importing ------------------------------------------------------------------------------------


def test_importing_adds_moves_and_with_replace_removes_entries(school, cohort, admin):
    later = make_cohort(school, 2029)
    upload(school, "email,cohort\na@r.example,2028\nb@r.example,2028\n", by=admin)

    result = upload(school, "email,cohort\nb@r.example,2029\nc@r.example,2028\n", by=admin)
    assert (result.added, result.moved, result.removed, result.unchanged) == (1, 1, 0, 0)
    assert dict(RosterEntry.objects.values_list("email", "cohort")) == {
        "a@r.example": cohort.pk,
        "b@r.example": later.pk,
        "c@r.example": cohort.pk,
    }

    result = upload(school, "email,cohort\nc@r.example,2028\n", replace=True, by=admin)
    assert (result.added, result.moved, result.removed, result.unchanged) == (0, 0, 2, 1)
    assert list(RosterEntry.objects.values_list("email", flat=True)) == ["c@r.example"]


def test_the_same_file_twice_changes_nothing(school, cohort, admin):
    upload(school, "email,cohort\na@r.example,2028\n", by=admin)

    result = upload(school, "email,cohort\na@r.example,2028\n", replace=True, by=admin)

    assert (result.added, result.moved, result.removed, result.unchanged) == (0, 0, 0, 1)


def test_roster_changes_are_audited_without_content(school, cohort, admin):
    upload(school, "email,cohort\na@r.example,2028\n", by=admin)
    remove_from_roster(school, "A@r.example", by=admin)

    events = list(AuditEvent.objects.order_by("at", "pk").values_list("kind", "school_id"))
    assert events == [("roster_imported", school.pk), ("roster_entry_removed", school.pk)]
    assert not RosterEntry.objects.exists()


def test_removing_an_address_not_on_the_roster_changes_nothing(school, admin):
    assert remove_from_roster(school, "nobody@r.example", by=admin) is False
    assert not AuditEvent.objects.exists()


def test_another_schools_roster_is_untouched(school, cohort, admin):
    other = make_school("hillcrest", "Hillcrest")
    other_cohort = make_cohort(other, 2028)
    RosterEntry.objects.create(school=other, email="a@r.example", cohort=other_cohort)

    upload(school, "email,cohort\nb@r.example,2028\n", replace=True, by=admin)
    remove_from_roster(school, "a@r.example", by=admin)

    assert RosterEntry.objects.filter(school=other).count() == 1


# Who counts -----------------------------------------------------------------------------------


def test_nothing_is_grandfathered_a_school_without_a_roster_has_no_verified_students(cohort):
    student = make_student(cohort, "ana@r.example", rotation=None, on_roster=False)
    assert refresh_verification(enrollment(student)) is False
    assert verified_enrollments().count() == 0
    assert Enrollment.objects.count() == 1  # still enrolled: in, but not counted


@pytest.mark.parametrize(
    ("email_verified", "on_roster", "same_cohort", "counts"),
    [
        (True, True, True, True),
        (True, True, False, False),
        (True, False, False, False),
        (False, True, True, False),
        (False, False, False, False),
    ],
)
def test_verification_needs_a_verified_email_on_the_roster_in_the_same_cohort(
    school, cohort, admin, changes, email_verified, on_roster, same_cohort, counts
):
    other_year = make_cohort(school, 2030)
    student = make_student(cohort, "ana@r.example", rotation=None, on_roster=False)
    EmailAddress.objects.filter(user=student).update(verified=email_verified)
    if on_roster:
        year = 2028 if same_cohort else 2030
        upload(school, f"email,cohort\nana@r.example,{year}\n", by=admin)

    assert refresh_verification(enrollment(student)) is counts
    found = enrollment(student)
    assert (found.verified_at is not None) is counts
    assert found.verified_by == (VerifiedBy.ROSTER if counts else "")
    assert list(verified_enrollments(school=school, cohort=cohort)) == ([found] if counts else [])
    assert list(verified_enrollments(cohort=other_year)) == []
    assert changes == ([("ana@r.example", True)] if counts else [])


def test_the_signal_is_sent_on_changes_only(school, cohort, admin, changes):
    student = make_student(cohort, "ana@r.example", rotation=None, on_roster=False)
    upload(school, "email,cohort\nana@r.example,2028\n", by=admin)
    first = enrollment(student).verified_at

    refresh_verification(enrollment(student))
    upload(school, "email,cohort\nana@r.example,2028\n", by=admin)
    assert enrollment(student).verified_at == first

    remove_from_roster(school, "ana@r.example", by=admin)
    refresh_verification(enrollment(student))

    assert changes == [("ana@r.example", True), ("ana@r.example", False)]
    assert enrollment(student).verified_at is None


def test_moving_an_entry_to_another_cohort_stops_the_student_counting(school, cohort, admin):
    make_cohort(school, 2029)
    student = make_student(cohort, "ana@r.example", rotation=None, on_roster=False)
    upload(school, "email,cohort\nana@r.example,2028\n", by=admin)

    upload(school, "email,cohort\nana@r.example,2029\n", by=admin)

    assert enrollment(student).verified_at is None


def test_replacing_the_roster_unverifies_students_left_out(school, cohort, admin, changes):
    ana = make_student(cohort, "ana@r.example", rotation=None, on_roster=False)
    ben = make_student(cohort, "ben@r.example", rotation=None, on_roster=False)
    upload(school, "email,cohort\nana@r.example,2028\nben@r.example,2028\n", by=admin)

    upload(school, "email,cohort\nben@r.example,2028\n", replace=True, by=admin)

    assert enrollment(ana).verified_at is None
    assert enrollment(ben).verified_at is not None
    assert changes[-1] == ("ana@r.example", False)


def test_a_student_on_another_schools_roster_does_not_count_here(school, cohort):
    other = make_school("hillcrest", "Hillcrest")
    RosterEntry.objects.create(school=other, email="ana@r.example", cohort=make_cohort(other))
    student = make_student(cohort, "ana@r.example", rotation=None, on_roster=False)

    assert refresh_verification(enrollment(student)) is False


def test_signing_up_with_an_invite_counts_only_once_the_email_is_confirmed(
    rf, school, cohort, admin, changes
):
    upload(school, "email,cohort\nnew@r.example,2028\n", by=admin)
    invite = InviteCode.objects.create(
        cohort=cohort, code="RIVER2028", expires_at=timezone.now() + timedelta(days=1)
    )
    user = make_user("new@r.example")
    address = EmailAddress.objects.get(user=user)
    address.verified = False
    address.save()

    enroll_with_invite(student=user, code=invite.code)
    assert enrollment(user).verified_at is None

    address.verified = True
    address.save()
    email_confirmed.send(sender=EmailAddress, request=rf.get("/"), email_address=address)

    assert enrollment(user).verified_by == VerifiedBy.ROSTER
    assert changes == [("new@r.example", True)]


def test_an_invite_with_an_already_confirmed_listed_email_counts_at_once(school, cohort, admin):
    upload(school, "email,cohort\nnew@r.example,2028\n", by=admin)
    invite = InviteCode.objects.create(
        cohort=cohort, code="RIVER2028", expires_at=timezone.now() + timedelta(days=1)
    )

    joined = enroll_with_invite(student=make_user("new@r.example"), code=invite.code)

    assert joined.verified_at is not None


def test_a_fake_student_with_the_invite_code_never_counts(school, cohort, admin):
    upload(school, "email,cohort\nreal@r.example,2028\n", by=admin)
    invite = InviteCode.objects.create(
        cohort=cohort, code="RIVER2028", expires_at=timezone.now() + timedelta(days=1)
    )
    for i in range(9):
        enroll_with_invite(student=make_user(f"fake{i}@dean.example"), code=invite.code)
    enroll_with_invite(student=make_user("real@r.example"), code=invite.code)

    assert [e.student.email for e in verified_enrollments(school=school)] == ["real@r.example"]
    assert Enrollment.objects.filter(school=school).count() == 10


def test_the_identity_provider_verifies_without_a_roster_until_the_school_withdraws_it(
    school, cohort, admin, changes
):
    student = make_student(cohort, "ana@r.example", rotation=None, on_roster=False)

    assert mark_verified_by_identity_provider(enrollment(student)) is True
    assert enrollment(student).verified_by == VerifiedBy.IDENTITY_PROVIDER
    assert refresh_verification(enrollment(student)) is True  # no roster needed

    upload(school, "email,cohort\nana@r.example,2028\n", by=admin)
    remove_from_roster(school, "ana@r.example", by=admin)

    assert enrollment(student).verified_at is None
    assert changes == [("ana@r.example", True), ("ana@r.example", False)]


def test_the_identity_provider_does_not_verify_an_unverified_email(cohort):
    student = make_student(cohort, "ana@r.example", rotation=None, on_roster=False)
    EmailAddress.objects.filter(user=student).update(verified=False)

    assert mark_verified_by_identity_provider(enrollment(student)) is False
    assert enrollment(student).verified_by == ""


def test_a_staff_account_never_counts_as_a_student(school, cohort):
    student = make_student(cohort, "ana@r.example", rotation=None, on_roster=False)
    RosterEntry.objects.create(school=school, email="ana@r.example", cohort=cohort)
    # Written past add_staff_member's refusal, as a stale or hand-made row would be.
    student.staff_memberships.create(school=school, role=StaffRole.EDUCATOR)

    assert refresh_verification(enrollment(student)) is False
    assert roster.verification_for(enrollment(student)) == ""


def test_through_the_real_sign_up_and_confirmation_link_a_listed_student_comes_to_count(
    client, school, cohort, admin, changes
):
    upload(school, "email,cohort\nnew.student@riverside.example,2028\n", by=admin)
    InviteCode.objects.create(
        cohort=cohort, code="RIVER2028", expires_at=timezone.now() + timedelta(days=1)
    )
    client.post(
        reverse("account_signup"),
        {
            "invite_code": "RIVER2028",
            "email": "new.student@riverside.example",
            "password1": "a long enough passphrase",
            "password2": "a long enough passphrase",
            "consent": "on",
        },
    )
    joined = Enrollment.objects.get(student__email="new.student@riverside.example")
    assert joined.verified_at is None  # in, but not counted before the email is confirmed

    link = re.search(r"https?://[^/\s]+(/accounts/confirm-email/\S+)", mail.outbox[0].body)
    client.post(link.group(1))

    joined.refresh_from_db()
    assert joined.verified_by == VerifiedBy.ROSTER
    assert changes == [("new.student@riverside.example", True)]


def test_importing_costs_the_same_number_of_queries_for_5_students_as_for_50(school, cohort, admin):
    def import_students(prefix: str, n: int) -> int:
        for i in range(n):
            make_student(cohort, f"{prefix}{i}@r.example", rotation=None, on_roster=False)
        rows = "".join(f"{prefix}{i}@r.example,2028\n" for i in range(n))
        entries, _ = parse_roster(csv_file(f"email,cohort\n{rows}"), school)
        with CaptureQueriesContext(connection) as queries:
            import_roster(school, entries, replace=False, by=admin)
        return len(queries)

    few, many = import_students("few", 5), import_students("many", 50)

    assert few == many
    assert verified_enrollments(school=school).count() == 55


def test_changing_the_primary_email_to_an_unlisted_one_stops_the_student_counting(
    rf, school, cohort, admin, changes
):
    student = make_student(cohort, "ana@r.example", rotation=None, on_roster=False)
    upload(school, "email,cohort\nana@r.example,2028\n", by=admin)
    old = EmailAddress.objects.get(user=student)
    new = EmailAddress.objects.create(user=student, email="ana@gmail.example", verified=True)
    old.primary, new.primary = False, True
    old.save()
    new.save()

    email_changed.send(
        sender=EmailAddress,
        request=rf.get("/"),
        user=student,
        from_email_address=old,
        to_email_address=new,
    )

    assert enrollment(student).verified_at is None
    assert changes == [("ana@r.example", True), ("ana@r.example", False)]
