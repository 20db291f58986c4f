from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import make_cohort, make_student, with_totp
from learn.models import LessonProgress
from learn.selectors import NESTED, completion_cutoff, completion_table, done_lessons
from learn.services import mark_lesson_done, undo_lesson_done
from schools.models import Enrollment

from .factories import school_lesson

pytestmark = pytest.mark.django_db
HIDDEN_ONE_SIDE = "fewer than 10 students on one side of this share"


def students(cohort, prefix: str, count: int):
    domain = cohort.school.slug
    return [make_student(cohort, f"{prefix}{i}@{domain}.example", None) for i in range(count)]


def finish(students, *slugs):
    for student in students:
        for slug in slugs:
            mark_lesson_done(student=student, slug=slug)


def last_week(days: int = 8):
    """Move every enrollment and completion so far into the last complete week (or earlier)."""
    earlier = timezone.now() - timedelta(days=days)
    Enrollment.objects.update(joined_at=earlier)
    LessonProgress.objects.update(done_at=earlier)


def line(table, label):
    return next(line for line in table.lines if line.label == label)


def shown(cell):
    return (cell.numerator, cell.n)


def test_a_share_with_k_on_both_sides_is_shown_as_done_out_of_enrolled(school, cohort):
    class_ = students(cohort, "s", 30)
    finish(class_[:12], "naps-on-nights")
    finish(class_[:3], "one-message")
    last_week()

    table = completion_table(school)

    naps = line(table, "Naps on nights")
    assert shown(naps.cells[0]) == (12, 30) and shown(naps.total) == (12, 30)
    lonely = line(table, "One message a day")
    assert lonely.cells[0].reason == HIDDEN_ONE_SIDE
    assert lonely.total.reason == HIDDEN_ONE_SIDE


def test_when_everyone_finished_the_count_is_hidden_because_fewer_than_k_did_not(school, cohort):
    finish(students(cohort, "s", 12), "naps-on-nights")
    last_week()

    table = completion_table(school)

    for label in ("Naps on nights", "Sleep on call: whole track"):
        assert table.lines and line(table, label).cells[0].reason == HIDDEN_ONE_SIDE
        assert line(table, label).total.reason == HIDDEN_ONE_SIDE


def test_a_whole_track_count_is_hidden_when_a_lesson_minus_it_is_under_k(school, cohort):
    own = school_lesson(school, track="sleep-on-call", title="Quiet room")
    class_ = students(cohort, "s", 40)
    finish(class_[:15], "naps-on-nights")
    finish(class_[:12], own.slug)
    last_week()

    table = completion_table(school)

    # 15 did naps, 12 did both lessons: 3 = naps minus track would single people out.
    track = line(table, "Sleep on call: whole track")
    assert track.cells[0].reason == NESTED and track.total.reason == NESTED
    assert shown(line(table, "Naps on nights").cells[0]) == (15, 40)
    assert shown(line(table, "Quiet room").cells[0]) == (12, 40)


def test_a_whole_track_count_is_shown_when_every_difference_is_at_least_k(school, cohort):
    own = school_lesson(school, track="sleep-on-call", title="Quiet room")
    class_ = students(cohort, "s", 35)
    finish(class_[:20], "naps-on-nights")
    finish(class_[:10] + class_[20:30], own.slug)
    last_week()

    track = line(completion_table(school), "Sleep on call: whole track")

    assert shown(track.cells[0]) == (10, 35) and shown(track.total) == (10, 35)


def test_a_small_cohort_is_hidden_and_so_is_its_sibling_so_nothing_subtracts_out(school, cohort):
    small = make_cohort(school, 2029)
    finish(students(cohort, "a", 25)[:12], "naps-on-nights")
    finish(students(small, "b", 2), "naps-on-nights")
    last_week()

    naps = line(completion_table(school), "Naps on nights")

    assert all(getattr(c, "reason", None) for c in naps.cells)
    assert shown(naps.total) == (14, 27)


def test_counts_stand_as_of_the_last_complete_week_whatever_students_do_now(school, cohort):
    class_ = students(cohort, "s", 30)
    finish(class_[:12], "naps-on-nights")
    last_week()
    before = completion_table(school)

    newcomer = make_student(cohort, "new@riverside.example", None)
    finish([newcomer, *class_[12:14]], "naps-on-nights")
    assert undo_lesson_done(student=class_[0], slug="naps-on-nights")
    after = completion_table(school)

    assert after == before
    assert shown(line(after, "Naps on nights").cells[0]) == (12, 30)
    assert "naps-on-nights" not in done_lessons(class_[0])
    next_week = completion_table(school, today=school.today() + timedelta(weeks=1))
    assert shown(line(next_week, "Naps on nights").cells[0]) == (14, 31)


def test_an_undo_then_redo_this_week_keeps_the_original_completion(school, student):
    mark_lesson_done(student=student, slug="naps-on-nights")
    last_week()
    [original] = LessonProgress.objects.values_list("done_at", flat=True)

    undo_lesson_done(student=student, slug="naps-on-nights")
    mark_lesson_done(student=student, slug="naps-on-nights")

    progress = LessonProgress.objects.get()
    assert (progress.done_at, progress.undone_at) == (original, None)
    assert "naps-on-nights" in done_lessons(student)


def test_a_redo_after_an_undo_in_an_earlier_week_counts_from_now(school, student):
    mark_lesson_done(student=student, slug="naps-on-nights")
    LessonProgress.objects.update(
        done_at=timezone.now() - timedelta(days=20), undone_at=timezone.now() - timedelta(days=10)
    )

    mark_lesson_done(student=student, slug="naps-on-nights")

    progress = LessonProgress.objects.get()
    assert progress.undone_at is None
    assert progress.done_at >= completion_cutoff(school)


def test_an_undo_of_a_lesson_done_this_week_leaves_no_row(student):
    mark_lesson_done(student=student, slug="naps-on-nights")

    assert undo_lesson_done(student=student, slug="naps-on-nights")
    assert not LessonProgress.objects.exists()
    assert not undo_lesson_done(student=student, slug="naps-on-nights")


def test_the_staff_page_shows_shares_as_of_last_week_and_the_reason_never_who(
    client, staff, school, cohort, student
):
    class_ = students(cohort, "s", 29)
    finish(class_[:12], "naps-on-nights")
    finish([student], "one-message")
    last_week()
    with_totp(staff)
    client.force_login(staff)

    response = client.get(reverse("learn_school"))

    body = response.content.decode()
    assert response.status_code == 200
    assert "12 of 30" in body
    assert f"{HIDDEN_ONE_SIDE}" in body
    as_of = completion_cutoff(school).date() - timedelta(days=1)
    assert f"As of the end of {as_of:%A} {as_of.day} {as_of:%B %Y}" in body
    assert student.email not in body and "1 of 30" not in body


def test_another_schools_progress_never_counts(school, other_school, cohort):
    theirs = make_cohort(other_school, 2028)
    finish(students(theirs, "x", 12), "naps-on-nights")
    last_week()

    naps = line(completion_table(school), "Naps on nights")

    assert naps.total.reason == "fewer than 10 students"
