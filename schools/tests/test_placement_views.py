"""The placements pages, as the school administrator and as everyone who must be refused;
and a student's own rotation schedule."""

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from conftest import make_cohort, make_staff, make_student, with_totp
from schools.models import (
    CohortPhase,
    FlagReason,
    Placement,
    PlacementSource,
    Rotation,
    StaffRole,
)
from schools.placements import save_rotation
from vault.models import AuditEvent

pytestmark = pytest.mark.django_db

HEADER = b"Student Email,Clerkship,Site,Start Date,End Date\n"
GOOD = (
    HEADER
    + b"student@riverside.example,Surgery,Riverside General,2031-01-06,2031-02-28\n"
    + b"classmate@riverside.example,Psychiatry,Lakeside,2031-01-06,2031-02-28\n"
)
ONE_BAD_ROW = (
    HEADER
    + b"student@riverside.example,Surgery,Riverside General,2031-01-06,2031-02-28\n"
    + b"classmate@riverside.example,Psychiatry,Lakeside,2031-02-28,2031-01-06\n"
)
UNKNOWN_ROTATION = HEADER + b"student@riverside.example,Gen Surg,,2031-01-06,2031-02-28\n"


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
def block(school, student):
    return Placement.objects.create(
        school=school,
        source=PlacementSource.SCHOOL,
        email=student.email,
        student=student,
        rotation=Rotation.objects.get(slug="neurology"),
        starts_on=date(2031, 6, 2),
        ends_on=date(2031, 7, 25),
        flagged_at=timezone.now(),
        flag_reason=FlagReason.DATES,
    )


@pytest.fixture
def own_rotation(school, admin):
    return save_rotation(school=school, name="Acute care", phase="core", by=admin)


def upload_file(data: bytes, name: str = "placements.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="text/csv")


def upload(client, data: bytes, name: str = "placements.csv"):
    return client.post(reverse("school_placements"), {"file": upload_file(data, name)})


def admin_routes(block, own_rotation, cohort) -> list[tuple[str, str]]:
    return [
        ("get", reverse("school_placements")),
        ("get", reverse("school_placements_template")),
        ("get", reverse("school_catalogue")),
        ("get", reverse("school_catalogue_edit", args=[own_rotation.pk])),
        ("get", reverse("school_cohort_phases", args=[cohort.pk])),
        ("get", reverse("school_placements_preview")),
        ("post", reverse("school_placement_flag_clear", args=[block.pk])),
    ]


# The administrator ----------------------------------------------------------------------------


def test_the_administrator_uploads_previews_and_imports(client, admin, student, classmate):
    client.force_login(admin)
    response = upload(client, GOOD)
    assert response.status_code == 302 and response["Location"] == reverse(
        "school_placements_preview"
    )
    assert not Placement.objects.filter(source=PlacementSource.SCHOOL).exists()
    preview = client.get(reverse("school_placements_preview"))
    assert preview.status_code == 200
    assert "no-cache" in preview["Cache-Control"]
    assert "2 blocks added" in preview.content.decode()
    response = client.post(reverse("school_placements_preview"), {"action": "import"})
    assert response.status_code == 302
    assert Placement.objects.filter(source=PlacementSource.SCHOOL).count() == 2
    page = client.get(reverse("school_placements")).content.decode()
    assert "Placements imported: 2 added, 0 updated, 0 removed, 0 unchanged." in page
    assert "Riverside General" in page
    # The preview is gone with the import: importing twice needs a second upload.
    assert client.get(reverse("school_placements_preview")).status_code == 302


def test_a_bad_row_is_shown_in_the_preview_and_nothing_is_imported(
    client, admin, student, classmate
):
    client.force_login(admin)
    upload(client, ONE_BAD_ROW)
    preview = client.get(reverse("school_placements_preview")).content.decode()
    assert "Fix this row and upload the file again" in preview
    assert "Row 3: ends (2031-01-06) before it starts (2031-02-28)." in preview
    assert 'value="import"' not in preview
    client.post(reverse("school_placements_preview"), {"action": "import"})
    assert not Placement.objects.filter(source=PlacementSource.SCHOOL).exists()


def test_an_unknown_rotation_is_mapped_to_the_catalogue_in_the_preview(client, admin, student):
    client.force_login(admin)
    upload(client, UNKNOWN_ROTATION)
    preview = client.get(reverse("school_placements_preview")).content.decode()
    assert "“Gen Surg” in the file is" in preview
    surgery = Rotation.objects.get(slug="surgery")
    checked = client.post(
        reverse("school_placements_preview"), {"map_0": surgery.pk, "action": "check"}
    )
    assert "1 block added" in checked.content.decode()
    assert not Placement.objects.filter(source=PlacementSource.SCHOOL).exists()
    client.post(reverse("school_placements_preview"), {"map_0": surgery.pk, "action": "import"})
    assert Placement.objects.get(source=PlacementSource.SCHOOL).rotation == surgery


def test_a_mapping_to_a_rotation_outside_the_catalogue_is_a_field_error(
    client, admin, student, other_school
):
    theirs = save_rotation(school=other_school, name="Theirs", phase="core", by=admin)
    client.force_login(admin)
    upload(client, UNKNOWN_ROTATION)
    response = client.post(
        reverse("school_placements_preview"), {"map_0": theirs.pk, "action": "import"}
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Placement.objects.filter(source=PlacementSource.SCHOOL).exists()


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"\x00\x01\x02\xff\xfe garbage", "placements.csv", "not UTF-8"),
        (b"PK\x03\x04garbage", "placements.xlsx", "could not be read"),
        (b"name,year\nAna,2028\n", "placements.csv", "no column for"),
        (b"", "placements.csv", "The submitted file is empty"),
        (b"\n\n", "placements.csv", "The file is empty"),
        (b"x" * (5 * 1024 * 1024 + 1), "placements.csv", "larger than 5 MB"),
    ],
)
def test_a_bad_file_is_a_field_error_on_the_upload_form(client, admin, data, name, message):
    client.force_login(admin)
    response = upload(client, data, name)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert "placements_upload" not in client.session


def test_the_template_names_the_columns(client, admin):
    client.force_login(admin)
    response = client.get(reverse("school_placements_template"))
    assert response.content.decode().strip() == "email,rotation,site,start date,end date"


def test_the_administrator_clears_a_flag(client, admin, block):
    client.force_login(admin)
    page = client.get(reverse("school_placements")).content.decode()
    assert "Flagged as wrong by a student" in page
    client.post(reverse("school_placement_flag_clear", args=[block.pk]))
    block.refresh_from_db()
    assert block.flagged_at is None
    assert AuditEvent.objects.filter(kind="placement_flag_cleared").count() == 1


def test_the_administrator_edits_the_catalogue_and_a_cohorts_phases(client, admin, cohort):
    client.force_login(admin)
    response = client.post(
        reverse("school_catalogue"),
        {"name": "Acute care", "phase": "core", "group": "medical", "position": 5},
    )
    assert response.status_code == 302
    rotation = Rotation.objects.get(name="Acute care")
    response = client.post(
        reverse("school_catalogue_edit", args=[rotation.pk]),
        {"name": "Acute medicine", "phase": "core", "group": "Bad/Group!", "position": 5},
    )
    assert "Name the group in a few plain words" in response.content.decode()
    client.post(
        reverse("school_catalogue_edit", args=[rotation.pk]),
        {"name": "Acute medicine", "phase": "core", "group": "medical", "position": 5},
    )
    rotation.refresh_from_db()
    assert rotation.name == "Acute medicine"
    duplicate = client.post(
        reverse("school_catalogue"), {"name": "SURGERY", "phase": "core", "position": 1}
    )
    assert "already has a rotation called" in duplicate.content.decode()

    url = reverse("school_cohort_phases", args=[cohort.pk])
    half = client.post(url, {"core_starts_on": "2028-05-01"})
    assert "Give both days, or neither." in half.content.decode()
    client.post(url, {"core_starts_on": "2028-05-01", "core_ends_on": "2029-04-30"})
    assert CohortPhase.objects.get(cohort=cohort).phase == "core"
    backwards = client.post(url, {"core_starts_on": "2029-05-01", "core_ends_on": "2028-04-30"})
    assert "This phase ends before it starts." in backwards.content.decode()
    catalogue = client.get(reverse("school_catalogue")).content.decode()
    assert "Core clerkships 1 May 2028 – 30 Apr 2029" in catalogue


def test_a_shared_rotation_is_not_editable(client, admin):
    client.force_login(admin)
    surgery = Rotation.objects.get(slug="surgery")
    assert client.get(reverse("school_catalogue_edit", args=[surgery.pk])).status_code == 404


def test_the_administrator_of_another_school_reaches_none_of_this_schools_objects(
    client, other_admin, block, own_rotation, cohort
):
    client.force_login(other_admin)
    for method, url in admin_routes(block, own_rotation, cohort)[3:5] + [
        ("post", reverse("school_placement_flag_clear", args=[block.pk]))
    ]:
        assert getattr(client, method)(url).status_code == 404, url
    page = client.get(reverse("school_placements")).content.decode()
    assert block.email not in page
    block.refresh_from_db()
    assert block.flagged_at is not None


def test_a_preview_uploaded_at_one_school_is_not_imported_at_another(
    client, admin, other_admin, student, classmate
):
    client.force_login(admin)
    upload(client, GOOD)
    session = client.session
    session["placements_upload"]["school"] = other_admin.staff_memberships.get().school_id
    session.save()
    response = client.post(reverse("school_placements_preview"), {"action": "import"})
    assert response.status_code == 302
    assert not Placement.objects.filter(source=PlacementSource.SCHOOL).exists()


@pytest.mark.parametrize("role", [StaffRole.EDUCATOR, StaffRole.WELLNESS_LEAD, StaffRole.DEAN])
def test_other_staff_roles_are_refused_and_change_nothing(
    client, school, block, own_rotation, cohort, role
):
    user = make_staff(school, f"{role}@riverside.example", role=role)
    with_totp(user)
    client.force_login(user)
    for method, url in admin_routes(block, own_rotation, cohort):
        response = getattr(client, method)(url)
        assert response.status_code == 403, url
        assert block.email not in response.content.decode()
    assert upload(client, GOOD).status_code == 403
    block.refresh_from_db()
    assert block.flagged_at is not None


def test_students_and_operators_are_refused(client, student, operator, block, own_rotation, cohort):
    with_totp(operator)
    for user in (student, operator):
        client.force_login(user)
        for method, url in admin_routes(block, own_rotation, cohort):
            assert getattr(client, method)(url).status_code == 403, (user, url)


def test_an_administrator_without_an_authenticator_is_sent_to_set_one_up(client, school):
    user = make_staff(school, "new-registrar@riverside.example", role=StaffRole.SCHOOL_ADMIN)
    client.force_login(user)
    response = client.get(reverse("school_placements"))
    assert response.status_code == 302 and "totp" in response["Location"]


def test_importing_2000_rows_takes_a_bounded_number_of_queries(client, admin, school, cohort):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from schools.models import RosterEntry

    RosterEntry.objects.bulk_create(
        RosterEntry(school=school, email=f"s{i}@r.example", cohort=cohort) for i in range(500)
    )
    start = date(2031, 1, 5)
    rows = "".join(
        f"s{i}@r.example,Surgery,,{start + timedelta(weeks=4 * b)},"
        f"{start + timedelta(weeks=4 * b, days=20)}\n"
        for i in range(500)
        for b in range(4)
    )
    client.force_login(admin)
    upload(client, HEADER + rows.encode())
    with CaptureQueriesContext(connection) as queries:
        client.post(reverse("school_placements_preview"), {"action": "import"})
    assert Placement.objects.filter(source=PlacementSource.SCHOOL).count() == 2000
    assert len(queries) < 60


# The student ----------------------------------------------------------------------------------


def test_a_student_sees_their_current_rotation_and_their_schools_blocks(client, student, block):
    client.force_login(student)
    page = client.get(reverse("rotation_schedule")).content.decode()
    assert "Surgery" in page and "Now" in page
    assert "Neurology" in page and "Your school&#x27;s schedule" in page
    assert "Flagged: the dates are wrong." in page
    home = client.get(reverse("home")).content.decode()
    assert reverse("rotation_schedule") in home


def test_a_student_adds_a_block_with_the_files_rules(client, student):
    client.force_login(student)
    url = reverse("rotation_schedule")
    neurology = Rotation.objects.get(slug="neurology")
    backwards = client.post(
        url, {"rotation": neurology.pk, "starts_on": "2031-02-01", "ends_on": "2031-01-01"}
    )
    assert "A placement cannot end before it starts." in backwards.content.decode()
    today = timezone.localdate()
    overlap = client.post(
        url, {"rotation": neurology.pk, "starts_on": today, "ends_on": today + timedelta(days=3)}
    )
    assert "This overlaps your Surgery placement" in overlap.content.decode()
    client.post(url, {"rotation": neurology.pk, "starts_on": "2031-01-01", "ends_on": "2031-02-01"})
    assert Placement.objects.filter(student=student, rotation=neurology).count() == 1


def test_a_student_cannot_add_over_the_schools_block_and_is_told_to_flag_it(client, student, block):
    client.force_login(student)
    response = client.post(
        reverse("rotation_schedule"),
        {
            "rotation": Rotation.objects.get(slug="psychiatry").pk,
            "starts_on": "2031-06-09",
            "ends_on": "2031-06-20",
        },
    )
    assert "overlaps the Neurology block your school recorded" in response.content.decode()
    assert Placement.objects.filter(student=student).count() == 2


def test_a_student_flags_the_schools_block_and_removes_only_their_own(client, student, block):
    client.force_login(student)
    block.flagged_at = None
    block.save()
    assert client.post(reverse("rotation_schedule_remove", args=[block.pk])).status_code == 404
    client.post(reverse("rotation_schedule_flag", args=[block.pk]), {"reason": "bogus"})
    block.refresh_from_db()
    assert block.flagged_at is None
    client.post(reverse("rotation_schedule_flag", args=[block.pk]), {"reason": "site"})
    block.refresh_from_db()
    assert block.flag_reason == "site" and block.flagged_at is not None
    own = Placement.objects.get(student=student, source=PlacementSource.STUDENT)
    client.post(reverse("rotation_schedule_remove", args=[own.pk]))
    assert not Placement.objects.filter(pk=own.pk).exists()
    assert Placement.objects.filter(pk=block.pk).exists()


def test_a_classmate_can_neither_see_flag_nor_remove_anothers_blocks(
    client, student, classmate, block
):
    client.force_login(classmate)
    own = Placement.objects.get(student=student, source=PlacementSource.STUDENT)
    assert "2 Jun 2031" not in client.get(reverse("rotation_schedule")).content.decode()
    assert client.post(reverse("rotation_schedule_remove", args=[own.pk])).status_code == 404
    flag = client.post(reverse("rotation_schedule_flag", args=[block.pk]), {"reason": "site"})
    assert flag.status_code == 404


def test_staff_cannot_see_a_students_schedule(client, staff, student, block):
    with_totp(staff)
    client.force_login(staff)
    assert client.get(reverse("rotation_schedule")).status_code == 403


def test_deleting_the_account_keeps_the_schools_block_unlinked_and_drops_their_own(
    client, student, block
):
    from accounts.data_ownership import delete_account

    delete_account(user=student)
    block.refresh_from_db()
    assert (block.student_id, block.flagged_at, block.email) == (
        None,
        None,
        "student@riverside.example",
    )
    assert not Placement.objects.filter(source=PlacementSource.STUDENT).exists()


def test_the_export_holds_both_kinds_of_block(student, block):
    from accounts.data_ownership import account_rows

    placements = account_rows(student)["placements"]
    assert {(p["rotation"], p["recorded_by"]) for p in placements} == {
        ("Surgery", "Added by you"),
        ("Neurology", "Your school's schedule"),
    }
    assert {p["flagged_as_wrong"] for p in placements} == {None, "The dates are wrong"}


def test_a_student_of_another_school_never_sees_this_schools_rotations(client, other_school):
    theirs = make_student(make_cohort(other_school, 2029), "far@hillcrest.example", rotation=None)
    client.force_login(theirs)
    save_rotation(school=other_school, name="Hillcrest only", phase="core", by=theirs)
    page = client.get(reverse("rotation_schedule")).content.decode()
    assert "Hillcrest only" in page and "Acute care" not in page
