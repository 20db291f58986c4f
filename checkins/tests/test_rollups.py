"""Every check-in and screening write moves the anonymous rollups in the same transaction."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from checkins.models import CheckIn
from checkins.rollups import rebuild_rollups
from checkins.selectors import checkin_note
from checkins.services import delete_checkin, record_checkin, record_screening
from cohorts.models import Campaign, CampaignResponse, CellMember, RollupCell
from cohorts.services import member_key
from cohorts.tests.factories import figures_of, measure_figures
from conftest import make_cohort, make_student, run_at_once
from schools.models import Enrollment
from schools.selectors import enrollment_for
from vault.models import DataKey

VALUES = {
    "mood": 4, "stress": 2, "energy": 3, "sleep_hours": "6.5", "sleep_quality": 3,
    "loneliness": 2, "purpose": 5, "moved": True,
}  # fmt: skip


def snapshot() -> list[tuple]:
    return measure_figures()


def cell(measure: str, scope: str = "cohort"):
    return figures_of(measure, scope)


@pytest.mark.django_db
def test_a_checkin_adds_to_the_cells_and_an_update_replaces_its_values(student, classmate):
    record_checkin(student=student, values=VALUES)
    record_checkin(student=classmate, values={**VALUES, "mood": 2})
    assert (cell("mood").n_students, cell("mood").total) == (2, 6.0)

    record_checkin(student=student, values={**VALUES, "mood": 1})

    mood = cell("mood")
    assert (mood.n_students, mood.n_obs, mood.total, mood.total_sq) == (2, 2, 3.0, 5.0)
    assert cell("moved").total == 2.0


@pytest.mark.django_db
def test_a_first_checkin_adds_one_member_to_two_rows(student, cohort):
    """All fourteen measures of a check-in share one row per group and week: a first check-in
    of the week inserts two members (the cohort's cell and the rotation's) and updates two
    cells, not twenty-eight of each."""
    from django.test.utils import CaptureQueriesContext

    record_checkin(student=make_student(cohort, "peer@riverside.example"), values=VALUES)
    with CaptureQueriesContext(connection) as queries:
        record_checkin(student=student, values=VALUES)

    writes = [
        sql.split(" (")[0].split(" SET")[0]
        for sql in (q["sql"] for q in queries)
        if re.match(r"(\d+ times: )?(INSERT|UPDATE|DELETE)", sql)
    ]
    assert writes == [
        'INSERT INTO "checkins_checkin"',
        'INSERT INTO "cohorts_cellmember"',  # both members, one statement
        'UPDATE "cohorts_rollupcell"',  # both cells, one statement
    ]
    # The cells exist, so their school and cohort were checked when they were made.
    assert not [q for q in queries if '"schools_cohort"' in q["sql"]]
    assert RollupCell.objects.count() == 2
    assert CellMember.objects.count() == 4
    assert (cell("mood").n_students, cell("moved").n_students) == (2, 2)


@pytest.mark.django_db
def test_a_resubmit_that_changes_one_answer_writes_only_that_answers_cells(student, classmate):
    from django.test.utils import CaptureQueriesContext

    record_checkin(student=student, values=VALUES)
    record_checkin(student=classmate, values=VALUES)
    with CaptureQueriesContext(connection) as queries:
        record_checkin(student=student, values={**VALUES, "stress": 5})

    statements = [q["sql"] for q in queries]
    updates = [sql.split(" SET")[0] for sql in statements if re.match(r"(\d+ times: )?UPDATE", sql)]
    assert updates == [
        'UPDATE "checkins_checkin"',
        'UPDATE "cohorts_cellmember"',  # in the cohort's row and the rotation's
        'UPDATE "cohorts_rollupcell"',
    ]
    # Unchanged answers cancel out before anything is read: only stress moves, in two cells.
    [cell_update] = [sql for sql in statements if sql.startswith('UPDATE "cohorts_rollupcell"')]
    assert cell_update.count("WHEN") == 2 and '"stress"' in cell_update
    assert (cell("stress").total, cell("mood").total) == (7.0, 8.0)
    before = snapshot()
    rebuild_rollups()
    assert snapshot() == before


@pytest.mark.django_db
def test_deleting_reverses_the_contribution(student, classmate):
    record_checkin(student=classmate, values=VALUES)
    before = snapshot()
    record_checkin(student=student, values={**VALUES, "mood": 1})

    delete_checkin(student=student)

    assert snapshot() == before


@pytest.mark.django_db
def test_rebuild_equals_the_incremental_result(student, classmate):
    record_checkin(student=student, values=VALUES)
    record_checkin(student=classmate, values={**VALUES, "stress": 5})
    record_checkin(student=student, values={**VALUES, "sleep_hours": "4"})
    record_screening(student=student, instrument_id="phq9", answers=[2] * 9, submission_key="a")
    record_screening(student=classmate, instrument_id="phq9", answers=[0] * 9, submission_key="b")
    incremental = snapshot()
    assert any(row[5] == "screen:phq9" for row in incremental)

    rebuild_rollups()

    assert snapshot() == incremental


@pytest.mark.django_db
def test_deleting_an_account_takes_its_values_out_of_the_rollups(student, classmate):
    from accounts.data_ownership import delete_account

    today = student.enrollment.school.today()  # the school's day, as record_screening uses
    Campaign.objects.create(
        school=student.enrollment.school,
        cohort=student.enrollment.cohort,
        instrument="who5",
        opens_on=today,
        closes_on=today,
        message="How are you?",
    )
    record_checkin(student=classmate, values=VALUES)
    before = snapshot()
    record_checkin(student=student, values={**VALUES, "mood": 1})
    record_screening(student=student, instrument_id="who5", answers=[1] * 5, submission_key="c")
    assert CampaignResponse.objects.filter(member=member_key(student.pk)).exists()

    delete_account(user=student)

    assert [row for row in snapshot() if not row[5].startswith("screen:")] == before
    assert not RollupCell.objects.filter(source="screen:who5").exists()
    assert not CellMember.objects.filter(figures={}).exists()
    assert not CellMember.objects.filter(member=member_key(student.pk)).exists()
    assert not CampaignResponse.objects.filter(member=member_key(student.pk)).exists()


@pytest.mark.django_db
def test_deleting_an_account_also_takes_out_what_was_counted_under_a_cohort_it_left(
    student, classmate, cohort
):
    """Deletion goes by the student's member hash, not by their current cohort: a contribution
    left under another cohort (moved by hand, without a rebuild) goes too."""
    from accounts.data_ownership import delete_account

    record_checkin(student=classmate, values=VALUES)
    before = snapshot()
    record_checkin(student=student, values=VALUES)
    Enrollment.objects.filter(student=student).update(cohort=make_cohort(cohort.school, 2030))

    delete_account(user=student)

    assert snapshot() == before
    assert not CellMember.objects.filter(member=member_key(student.pk)).exists()


@pytest.mark.django_db(transaction=True)
def test_fifty_concurrent_identical_checkins_make_one_row_and_consistent_rollups(student):
    errors = run_at_once([lambda: record_checkin(student=student, values=VALUES)] * 50)

    assert errors == []
    assert CheckIn.objects.filter(student=student).count() == 1
    mood = cell("mood")
    assert (mood.n_students, mood.n_obs, mood.total) == (1, 1, 4.0)
    incremental = snapshot()
    rebuild_rollups()
    assert snapshot() == incremental


@pytest.mark.django_db(transaction=True)
def test_a_double_tap_on_a_first_ever_note_saves_once_and_both_answers_succeed(student):
    """The note is encrypted before the write lock, so both taps may create the student's data
    key at once: the second must use the first's key, not fail."""
    noted = {**VALUES, "note": "long day"}
    errors = run_at_once([lambda: record_checkin(student=student, values=noted)] * 8)

    assert errors == []
    assert DataKey.objects.filter(user=student).count() == 1
    assert checkin_note(CheckIn.objects.get(student=student)) == "long day"


@pytest.mark.django_db
def test_a_cohort_change_between_reading_and_locking_saves_nothing(student, cohort):
    """The service reads the enrollment before its lock and checks it again under the lock: if
    the student moved cohort in between, nothing is written to either cohort's rollups."""
    stale = enrollment_for(student)
    Enrollment.objects.filter(pk=stale.pk).update(cohort=make_cohort(cohort.school, year=2029))

    with pytest.raises(ValidationError, match="cohort changed"):
        record_checkin(student=student, values=VALUES, enrollment=stale)

    assert not CheckIn.objects.exists()
    assert not RollupCell.objects.exists()
