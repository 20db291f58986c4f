"""The school's placements file: parsed, checked all or nothing, imported idempotently; and
the blocks a student adds, which never overwrite the school's."""

import io
from datetime import date

import pytest
from django.core.exceptions import ValidationError

from conftest import make_cohort, make_school, make_staff, make_student
from schools.models import (
    CohortPhase,
    FlagReason,
    Placement,
    PlacementSource,
    RosterEntry,
    Rotation,
    StaffRole,
)
from schools.placements import (
    MAX_ROWS,
    add_own_block,
    check_rows,
    flag_block,
    import_placements,
    parse_date,
    parse_placements,
    plan_import,
    remove_own_block,
    rows_from_json,
    rows_to_json,
    save_rotation,
    set_cohort_phases,
)
from schools.roster import refresh_verification, remove_from_roster
from schools.selectors import placement_on
from schools.tests.test_roster import xlsx_file
from vault.models import AuditEvent

pytestmark = pytest.mark.django_db

HEADER = "email,rotation,site,start date,end date\n"
SCHEDULE = (
    HEADER
    + "student@riverside.example,Surgery,Riverside General,2031-01-06,2031-02-28\n"
    + "student@riverside.example,Psychiatry,Lakeside,2031-03-03,2031-04-25\n"
    + "classmate@riverside.example,Internal medicine,Riverside General,2031-01-06,2031-03-28\n"
)


@pytest.fixture
def admin(school):
    return make_staff(school, "registrar@riverside.example", role=StaffRole.SCHOOL_ADMIN)


def csv_file(text: str) -> io.BytesIO:
    return io.BytesIO(text.encode())


def checked(school, text: str, mapping=None):
    rows, errors = parse_placements(csv_file(text))
    assert errors == []
    return check_rows(school, rows, mapping)


def imported(school, text: str, admin):
    result = checked(school, text)
    assert result.errors == [], result.errors
    return import_placements(school, result.blocks, by=admin)


def school_blocks():
    return Placement.objects.filter(source=PlacementSource.SCHOOL).order_by("email", "starts_on")


# Parsing ---------------------------------------------------------------------------------------


def test_a_file_with_the_template_header_parses_each_row(student):
    rows, errors = parse_placements(csv_file(SCHEDULE))
    assert errors == []
    assert [(r.row, r.email, r.rotation, r.starts_on) for r in rows] == [
        (2, "student@riverside.example", "Surgery", date(2031, 1, 6)),
        (3, "student@riverside.example", "Psychiatry", date(2031, 3, 3)),
        (4, "classmate@riverside.example", "Internal medicine", date(2031, 1, 6)),
    ]


def test_header_names_are_flexible_and_columns_may_come_in_any_order(student):
    text = (
        "Clerkship,Start_Date,End-Date,Student Email,Hospital,Notes\n"
        "Surgery,6 Jan 2031,28 Feb 2031,STUDENT@riverside.example,Riverside General,x\n"
    )
    rows, errors = parse_placements(csv_file(text))
    assert errors == []
    (row,) = rows
    assert (row.email, row.rotation, row.site, row.starts_on, row.ends_on) == (
        "student@riverside.example",
        "Surgery",
        "Riverside General",
        date(2031, 1, 6),
        date(2031, 2, 28),
    )


def test_an_xlsx_export_with_date_cells_parses(student):
    upload = xlsx_file(
        [
            ["Email", "Rotation", "Site", "Start", "End"],
            ["student@riverside.example", "Surgery", "", date(2031, 1, 6), date(2031, 2, 28)],
        ]
    )
    rows, errors = parse_placements(upload)
    assert errors == []
    assert (rows[0].starts_on, rows[0].ends_on) == (date(2031, 1, 6), date(2031, 2, 28))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The file is empty"),
        (b"\n,,\n", "The file is empty"),
        (b"email,cohort\na@b.example,2028\n", "no column for: rotation, start date, end date"),
        (HEADER.encode(), "a header but no blocks"),
        (b"\xff\xfe\x00garbage\x00\x01", "not UTF-8"),
        (b"PK\x03\x04 not really a spreadsheet", "could not be read"),
        (b"email,e-mail,rotation,start,end\n", "two columns name the email"),
    ],
)
def test_a_bad_file_is_refused_as_a_whole(data, message):
    rows, errors = parse_placements(io.BytesIO(data))
    assert rows == []
    assert len(errors) == 1 and message in str(errors[0])


def test_a_file_over_5_mb_or_the_row_limit_is_refused():
    _, errors = parse_placements(io.BytesIO(b"x" * (5 * 1024 * 1024 + 1)))
    assert "larger than 5 MB" in str(errors[0])
    many = HEADER + "a@r.example,Surgery,,2031-01-01,2031-01-02\n" * (MAX_ROWS + 1)
    _, errors = parse_placements(csv_file(many))
    assert "more than 20,000 blocks" in str(errors[0])


def test_dates_are_read_without_guessing_day_from_month():
    assert parse_date("2031-01-06") == date(2031, 1, 6)
    assert parse_date("2031-01-06 00:00:00") == date(2031, 1, 6)
    assert parse_date("Jan 6, 2031") == date(2031, 1, 6)
    assert parse_date("06/01/2031") is None
    assert parse_date("") is None


def test_rows_survive_the_trip_through_the_session(student):
    rows, _ = parse_placements(csv_file(SCHEDULE))
    assert rows_from_json(rows_to_json(rows)) == rows


# Checking --------------------------------------------------------------------------------------


def test_every_bad_row_is_reported_with_its_number_and_nothing_is_kept(school, student, classmate):
    text = (
        HEADER
        + "student@riverside.example,Surgery,,2031-01-06,2031-02-28\n"
        + "stranger@elsewhere.example,Surgery,,2031-01-06,2031-02-28\n"
        + "classmate@riverside.example,Gen Surg,,2031-01-06,2031-02-28\n"
        + "classmate@riverside.example,Psychiatry,,2031-05-01,2031-04-01\n"
        + "student@riverside.example,Psychiatry,,2031-02-20,2031-03-20\n"
        + "not-an-email,Surgery,,2031-01-06,2031-02-28\n"
        + "classmate@riverside.example,Neurology,,06/01/2031,2031-02-28\n"
    )
    result = checked(school, text)
    assert result.blocks == []
    messages = {error.row: error.reason for error in result.errors}
    assert sorted(messages) == [3, 4, 5, 6, 7, 8]
    assert "not one of your school's students" in messages[3]
    assert "“Gen Surg” is not in your rotation catalogue" in messages[4]
    assert "ends (2031-04-01) before it starts (2031-05-01)" in messages[5]
    assert "overlaps student@riverside.example's Surgery block on row 2" in messages[6]
    assert "is not an email address" in messages[7]
    assert "written as 2027-01-04" in messages[8]
    assert result.unknown_rotations == ["Gen Surg"]


def test_an_unknown_rotation_mapped_to_the_catalogue_passes(school, student):
    text = HEADER + "student@riverside.example,Gen Surg,,2031-01-06,2031-02-28\n"
    surgery = Rotation.objects.get(slug="surgery")
    result = checked(school, text, {"gen surg": surgery})
    assert result.errors == []
    assert result.blocks[0].rotation == surgery


def test_a_rotation_is_found_by_name_or_slug_whatever_the_case(school, student):
    text = HEADER + "student@riverside.example,OBSTETRICS-GYNAECOLOGY,,2031-01-06,2031-02-28\n"
    assert checked(school, text).blocks[0].rotation.slug == "obstetrics-gynaecology"


def test_a_student_on_the_roster_who_has_not_joined_can_be_scheduled(school, cohort, student):
    RosterEntry.objects.create(school=school, email="later@riverside.example", cohort=cohort)
    text = HEADER + "later@riverside.example,Surgery,,2031-01-06,2031-02-28\n"
    assert checked(school, text).errors == []


def test_another_schools_rotation_or_student_is_unknown(school, student, other_school):
    other = make_cohort(other_school, 2028)
    make_student(other, "far@hillcrest.example", rotation=None)
    save_rotation(school=other_school, name="Hillcrest surgery", phase="core", by=student)
    text = (
        HEADER
        + "far@hillcrest.example,Surgery,,2031-01-06,2031-02-28\n"
        + "student@riverside.example,Hillcrest surgery,,2031-01-06,2031-02-28\n"
    )
    result = checked(school, text)
    assert [e.row for e in result.errors] == [2, 3]


# Importing -------------------------------------------------------------------------------------


def test_importing_creates_the_schools_blocks_linked_to_verified_students(
    school, student, classmate, admin
):
    plan = imported(school, SCHEDULE, admin)
    assert (len(plan.add), len(plan.update), len(plan.remove), plan.unchanged) == (3, 0, 0, 0)
    assert [(p.email, p.rotation.slug, p.student_id) for p in school_blocks()] == [
        ("classmate@riverside.example", "internal-medicine", classmate.pk),
        ("student@riverside.example", "surgery", student.pk),
        ("student@riverside.example", "psychiatry", student.pk),
    ]
    assert placement_on(student, date(2031, 3, 10)).rotation.slug == "psychiatry"
    assert AuditEvent.objects.filter(kind="placements_imported", school_id=school.pk).count() == 1


def test_reimporting_the_same_file_changes_nothing(school, student, classmate, admin):
    imported(school, SCHEDULE, admin)
    before = list(school_blocks().values())
    plan = imported(school, SCHEDULE, admin)
    assert (len(plan.add), len(plan.update), len(plan.remove), plan.unchanged) == (0, 0, 0, 3)
    assert not plan.changes
    assert list(school_blocks().values()) == before
    assert AuditEvent.objects.filter(kind="placements_imported").count() == 1


def test_a_changed_file_updates_the_changed_blocks_and_removes_dropped_ones(
    school, student, classmate, admin
):
    imported(school, SCHEDULE, admin)
    surgery_id = school_blocks().get(rotation__slug="surgery").pk
    changed = (
        HEADER
        + "student@riverside.example,Surgery,Lakeside,2031-01-06,2031-02-21\n"
        + "classmate@riverside.example,Internal medicine,Riverside General,2031-01-06,2031-03-28\n"
    )
    plan = imported(school, changed, admin)
    assert (len(plan.add), len(plan.update), len(plan.remove), plan.unchanged) == (0, 1, 1, 1)
    surgery = school_blocks().get(rotation__slug="surgery")
    assert (surgery.pk, surgery.site, surgery.ends_on) == (
        surgery_id,
        "Lakeside",
        date(2031, 2, 21),
    )
    assert not school_blocks().filter(rotation__slug="psychiatry").exists()


def test_students_the_file_does_not_list_and_blocks_outside_its_dates_are_kept(
    school, student, classmate, admin
):
    imported(school, SCHEDULE, admin)
    later = HEADER + "student@riverside.example,Neurology,,2031-06-02,2031-07-25\n"
    plan = imported(school, later, admin)
    assert (len(plan.add), len(plan.remove)) == (1, 0)
    assert school_blocks().count() == 4


def test_an_import_replaces_the_students_own_overlapping_blocks(school, student, admin):
    own = add_own_block(
        student=student,
        rotation=Rotation.objects.get(slug="neurology"),
        starts_on=date(2031, 2, 1),
        ends_on=date(2031, 2, 14),
    )
    text = HEADER + "student@riverside.example,Surgery,,2031-01-06,2031-02-28\n"
    result = checked(school, text)
    assert plan_import(school, result.blocks).replaces_own == 1
    import_placements(school, result.blocks, by=admin)
    assert not Placement.objects.filter(pk=own.pk).exists()


def test_an_updated_block_loses_its_flag(school, student, classmate, admin):
    imported(school, SCHEDULE, admin)
    block = school_blocks().get(rotation__slug="surgery")
    flag_block(student=student, placement_id=block.pk, reason=FlagReason.DATES)
    imported(school, SCHEDULE.replace("2031-02-28", "2031-02-21"), admin)
    block.refresh_from_db()
    assert block.flagged_at is None and block.flag_reason == ""


def test_a_block_follows_the_roster_verification(school, cohort, admin):
    RosterEntry.objects.create(school=school, email="later@riverside.example", cohort=cohort)
    imported(school, HEADER + "later@riverside.example,Surgery,,2031-01-06,2031-02-28\n", admin)
    block = school_blocks().get()
    assert block.student_id is None
    # The student joins with an invite code; the roster lists them: they count, and see it.
    later = make_student(cohort, "later@riverside.example", rotation=None, on_roster=False)
    assert refresh_verification(later.enrollment)
    block.refresh_from_db()
    assert block.student_id == later.pk
    remove_from_roster(school, "later@riverside.example", by=admin)
    block.refresh_from_db()
    assert block.student_id is None


# The student's own blocks ----------------------------------------------------------------------


def test_a_student_cannot_add_a_block_over_the_schools(school, student, classmate, admin):
    imported(school, SCHEDULE, admin)
    with pytest.raises(ValidationError) as error:
        add_own_block(
            student=student,
            rotation=Rotation.objects.get(slug="neurology"),
            starts_on=date(2031, 2, 1),
            ends_on=date(2031, 2, 14),
        )
    assert "overlaps the Surgery block your school recorded" in str(error.value)
    assert "flag it" in str(error.value)


def test_a_student_cannot_remove_the_schools_block_only_flag_it(school, student, classmate, admin):
    imported(school, SCHEDULE, admin)
    block = school_blocks().get(rotation__slug="surgery")
    assert remove_own_block(student=student, placement_id=block.pk) is False
    flag_block(student=student, placement_id=block.pk, reason=FlagReason.SITE)
    block.refresh_from_db()
    assert block.flag_reason == FlagReason.SITE and block.flagged_at is not None


def test_a_student_cannot_flag_a_classmates_block(school, student, classmate, admin):
    imported(school, SCHEDULE, admin)
    theirs = school_blocks().get(email=classmate.email)
    with pytest.raises(Placement.DoesNotExist):
        flag_block(student=student, placement_id=theirs.pk, reason=FlagReason.DATES)


def test_a_student_cannot_use_another_schools_rotation(school, student, other_school, admin):
    theirs = save_rotation(school=other_school, name="Their surgery", phase="core", by=admin)
    with pytest.raises(ValidationError, match="your school's catalogue"):
        add_own_block(
            student=student, rotation=theirs, starts_on=date(2031, 1, 1), ends_on=date(2031, 1, 9)
        )


# The catalogue and phases ----------------------------------------------------------------------


def test_a_school_adds_and_edits_its_own_rotations_only(school, other_school, admin):
    rotation = save_rotation(
        school=school, name="Acute care", phase="core", group="Medical", by=admin
    )
    assert (rotation.school, rotation.group, rotation.slug) == (
        school,
        "medical",
        "riverside-acute-care",
    )
    save_rotation(school=school, rotation=rotation, name="Acute medicine", phase="core", by=admin)
    assert Rotation.objects.get(pk=rotation.pk).name == "Acute medicine"
    with pytest.raises(ValidationError, match="already has a rotation called"):
        save_rotation(school=school, name="surgery", phase="core", by=admin)
    with pytest.raises(ValidationError, match="kept by the operator"):
        save_rotation(
            school=school, rotation=Rotation.objects.get(slug="surgery"), name="Surg",
            phase="core", by=admin,
        )  # fmt: skip
    # Another school may name its own rotation the same.
    save_rotation(school=other_school, name="Acute medicine", phase="core", by=admin)
    assert AuditEvent.objects.filter(kind="rotation_catalogue_changed").count() == 3


def test_the_shared_catalogue_is_grouped_by_the_migration():
    assert Rotation.objects.get(slug="surgery").group == "surgical"
    assert Rotation.objects.get(slug="psychiatry").group == "medical"


def test_a_cohorts_phases_must_not_overlap(cohort, admin):
    periods = {
        "preclinical": (date(2026, 8, 1), date(2028, 4, 30)),
        "core": (date(2028, 5, 1), date(2029, 4, 30)),
        "elective": None,
    }
    set_cohort_phases(cohort=cohort, periods=periods, by=admin)
    assert CohortPhase.objects.filter(cohort=cohort).count() == 2
    with pytest.raises(ValidationError) as error:
        set_cohort_phases(
            cohort=cohort,
            periods={**periods, "elective": (date(2029, 4, 1), date(2029, 12, 1))},
            by=admin,
        )
    assert "overlaps core clerkships" in str(error.value)
    set_cohort_phases(cohort=cohort, periods={"core": periods["core"]}, by=admin)
    assert list(CohortPhase.objects.values_list("phase", flat=True)) == ["core"]


def test_another_school_can_import_the_same_addresses_without_collision(admin):
    first, second = make_school("north", "North"), make_school("south", "South")
    for school in (first, second):
        RosterEntry.objects.create(
            school=school, email="shared@x.example", cohort=make_cohort(school, 2030)
        )
        imported(school, HEADER + "shared@x.example,Surgery,,2031-01-06,2031-02-28\n", admin)
    assert school_blocks().count() == 2


def test_a_roster_import_that_verifies_a_whole_school_links_every_block(school, cohort, admin):
    """One roster upload can verify well over a thousand students who joined with invite
    codes; linking their blocks must not build a statement as long as the school."""
    from allauth.account.models import EmailAddress

    from accounts.models import User
    from schools.models import Enrollment
    from schools.roster import import_roster, parse_roster

    n = 1100
    emails = [f"s{i}@r.example" for i in range(n)]
    users = User.objects.bulk_create(User(email=email) for email in emails)
    EmailAddress.objects.bulk_create(
        EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in users
    )
    Enrollment.objects.bulk_create(
        Enrollment(student=u, school=school, cohort=cohort) for u in users
    )
    Placement.objects.bulk_create(
        Placement(
            school=school,
            source=PlacementSource.SCHOOL,
            email=email,
            rotation=Rotation.objects.get(slug="surgery"),
            starts_on=date(2031, 1, 6),
            ends_on=date(2031, 2, 28),
        )
        for email in emails
    )
    roster_file = io.BytesIO(("email,cohort\n" + "".join(f"{e},2028\n" for e in emails)).encode())
    entries, errors = parse_roster(roster_file, school)
    assert errors == []
    import_roster(school, entries, replace=False, by=admin)
    assert not school_blocks().filter(student__isnull=True).exists()
    assert school_blocks().get(email="s7@r.example").student == users[7]
