"""The plain statements of the check-in's hot path read and write what the ORM would."""

import json
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.db.transaction import TransactionManagementError
from django.test.utils import CaptureQueriesContext

from checkins.models import CheckIn
from schools import sql
from schools.models import Enrollment, Placement, Rotation

pytestmark = pytest.mark.django_db


def test_rows_come_back_as_model_instances_with_python_values(student):
    day = date(2026, 3, 2)
    CheckIn.objects.create(
        student=student, school_id=student.enrollment.school_id, day=day, mood=4, stress=2,
        energy=3, sleep_hours=Decimal("6.5"), sleep_quality=3, loneliness=1, purpose=5,
        moved=True,
    )  # fmt: skip

    [row] = sql.rows(
        CheckIn, "student_id = %s AND day = %s", [student.pk, sql.value(CheckIn, "day", day)]
    )

    assert (row.day, row.sleep_hours, row.moved, row.ate_well) == (day, Decimal("6.5"), True, False)
    assert sql.rows(CheckIn, "student_id = %s", [student.pk + 1000]) == []


def test_update_and_insert_write_what_the_orm_reads_back(student):
    checkin = CheckIn.objects.create(
        student=student, school_id=student.enrollment.school_id, day=date(2026, 3, 2), mood=4,
        stress=2, energy=3, sleep_hours=Decimal("6.5"), sleep_quality=3, loneliness=1, purpose=5,
    )  # fmt: skip
    checkin.mood, checkin.sleep_hours, checkin.therapy = 1, Decimal("7.5"), True

    sql.update(CheckIn, [checkin], ["mood", "sleep_hours", "therapy"])

    saved = CheckIn.objects.get(pk=checkin.pk)
    assert (saved.mood, saved.sleep_hours, saved.therapy) == (1, Decimal("7.5"), True)

    surgery = Rotation.objects.get(slug="surgery")
    placements = [
        Placement(student=student, school_id=student.enrollment.school_id, rotation=surgery,
                  starts_on=date(2027, 1, week * 7 + 1), ends_on=date(2027, 1, week * 7 + 6))
        for week in range(3)
    ]  # fmt: skip
    fields = ["student", "school", "rotation", "site", "starts_on", "ends_on"]
    sql.insert(Placement, placements, fields)
    assert Placement.objects.filter(student=student, starts_on__year=2027).count() == 3


def test_values_are_always_parameters_never_spliced_into_the_statement():
    hostile = "x' OR '1'='1"

    # Spliced in, this would match every rotation; as a parameter it is one odd string.
    assert sql.rows(Rotation, "slug = %s", [hostile]) == []
    assert [r.slug for r in sql.rows(Rotation, "slug = %s", ["surgery"])] == ["surgery"]


@pytest.mark.django_db(transaction=True)
def test_a_lock_is_asked_for_inside_a_transaction_only_where_the_database_has_row_locks(student):
    with pytest.raises(TransactionManagementError):
        sql.rows(CheckIn, "student_id = %s", [student.pk], for_update=True)
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        sql.rows(CheckIn, "student_id = %s", [student.pk], for_update=True)
    [locking] = [q["sql"] for q in queries if "checkins_checkin" in q["sql"]]
    assert locking.endswith("FOR UPDATE") == connection.features.has_select_for_update


def test_an_empty_in_list_is_refused_rather_than_sent():
    with pytest.raises(ValueError, match="at least one value"):
        sql.placeholders([])


def test_tuples_and_value_writes_round_trip_without_model_instances(student):
    school_id = student.enrollment.school_id
    surgery, medicine = (
        Rotation.objects.get(slug="surgery"),
        Rotation.objects.get(slug="psychiatry"),
    )
    starts, ends = date(2027, 1, 4), date(2027, 1, 29)
    fields = ["student", "school", "rotation", "site", "starts_on", "ends_on"]
    dates = [sql.value(Placement, "starts_on", starts), sql.value(Placement, "ends_on", ends)]
    row = [student.pk, school_id, surgery.pk, "North", *dates]
    sql.insert_values(Placement, fields, [row])
    [(pk, rotation_id, stored_start)] = sql.tuples(
        Placement,
        ["id", "rotation", "starts_on"],
        "student_id = %s AND starts_on = %s",
        [student.pk, sql.value(Placement, "starts_on", starts)],
    )
    assert (rotation_id, stored_start) == (surgery.pk, starts)

    sql.update_values(Placement, ["rotation", "site"], [[medicine.pk, "South", pk]])

    saved = Placement.objects.get(pk=pk)
    assert (saved.rotation, saved.site, saved.ends_on) == (medicine, "South", ends)
    assert sql.tuples(Placement, ["id"], "student_id = %s", [student.pk + 1000]) == []


def test_create_inserts_one_object_and_reads_back_its_key_as_save_would(student):
    checkin = CheckIn(
        student=student, school_id=student.enrollment.school_id, day=date(2026, 3, 2), mood=4,
        stress=2, energy=3, sleep_hours=Decimal("6.5"), sleep_quality=3, loneliness=1, purpose=5,
        therapy=True,
    )  # fmt: skip

    created = sql.create(checkin)

    assert created is checkin and checkin.pk is not None and not checkin._state.adding
    saved = CheckIn.objects.get(pk=checkin.pk)
    assert (saved.sleep_hours, saved.therapy, saved.moved) == (Decimal("6.5"), True, False)
    assert saved.created_at is not None and saved.created_at == checkin.created_at


def test_tuples_stop_at_the_limit(student):
    surgery = Rotation.objects.get(slug="surgery")
    sql.insert(
        Placement,
        [
            Placement(student=student, school_id=student.enrollment.school_id, rotation=surgery,
                      starts_on=date(2027, 2, day), ends_on=date(2027, 2, day))
            for day in (1, 2, 3)
        ],
        ["student", "school", "rotation", "site", "starts_on", "ends_on"],
    )  # fmt: skip

    found = sql.tuples(
        Placement, ["starts_on"], "student_id = %s AND starts_on >= %s",
        [student.pk, sql.value(Placement, "starts_on", date(2027, 2, 1))],
        order_by="starts_on", limit=2,
    )  # fmt: skip

    assert found == [(date(2027, 2, 1),), (date(2027, 2, 2),)]


def test_related_rows_come_in_the_same_statement_as_select_related_gives_them(student):
    with CaptureQueriesContext(connection) as queries:
        [enrollment] = sql.rows(
            Enrollment, "student_id = %s", [student.pk], related=["school", "cohort"]
        )
        school, cohort = enrollment.school, enrollment.cohort

    assert len(queries) == 1
    expected = Enrollment.objects.select_related("school", "cohort").get(student=student)
    assert (school, cohort) == (expected.school, expected.cohort)
    assert (school.name, school.timezone, cohort.graduation_year) == (
        expected.school.name, expected.school.timezone, expected.cohort.graduation_year,
    )  # fmt: skip


def test_a_nullable_relation_that_points_nowhere_comes_back_as_none(student):
    day = date(2026, 3, 2)
    CheckIn.objects.create(
        student=student, school_id=student.enrollment.school_id, day=day, rotation=None, mood=4,
        stress=2, energy=3, sleep_hours=Decimal("6.5"), sleep_quality=3, loneliness=1, purpose=5,
    )  # fmt: skip

    with CaptureQueriesContext(connection) as queries:
        [checkin] = sql.rows(CheckIn, "student_id = %s", [student.pk], related=["rotation"])
        assert checkin.rotation is None

    assert len(queries) == 1


def test_a_locking_read_of_related_rows_is_refused(student):
    with pytest.raises(ValueError, match="locks one table"), transaction.atomic():
        sql.rows(Enrollment, "student_id = %s", [student.pk], related=["school"], for_update=True)


def test_json_text_reads_one_key_of_a_json_column_and_none_where_it_is_absent(cohort):
    from cohorts.models import RollupCell

    RollupCell.objects.create(
        school=cohort.school, cohort=cohort, scope="cohort", week=date(2026, 3, 2),
        source="screen:phq9", figures={"screen:phq9": [2, 3, 12.0, 50.0, {"Mild": 1}]},
    )  # fmt: skip

    def read(key):
        [(source, text)] = sql.tuples(
            RollupCell, ["source"], "cohort_id = %s", [sql.json_key(key), cohort.pk],
            also=[sql.json_text(RollupCell, "figures")],
        )  # fmt: skip
        return source, text

    source, text = read("screen:phq9")
    assert (source, json.loads(text)) == ("screen:phq9", [2, 3, 12.0, 50.0, {"Mild": 1}])
    assert read("mood") == ("screen:phq9", None)
    assert read("x' OR '1'='1") == ("screen:phq9", None)  # a parameter, never spliced in
