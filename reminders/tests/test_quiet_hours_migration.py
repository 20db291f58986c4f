"""reminders 0003 / planner 0004: the planner's quiet hours move into the reminder settings
(the one set every reminder and the planner use), and back."""

from datetime import time

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from conftest import make_school, make_user

BEFORE = [("planner", "0003_calendar_import"), ("reminders", "0002_habit_reminders")]
AFTER = [("planner", "0004_quiet_hours_in_reminders")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_planner_quiet_hours_move_to_the_reminder_settings_and_back():
    school = make_school()
    only_planner, untouched, both, neither = (
        make_user(f"{name}@example.edu") for name in ("a", "b", "c", "d")
    )
    old = migrate(BEFORE)
    try:
        PlannerPrefs = old.get_model("planner", "PlannerPrefs")
        ReminderPrefs = old.get_model("reminders", "ReminderPrefs")
        for student, quiet in [
            (only_planner, (time(23), time(6))),
            (untouched, (time(21), time(5))),
            (both, (time(20), time(6))),
            (neither, (None, None)),
        ]:
            PlannerPrefs.objects.create(
                student_id=student.pk, school_id=school.pk, quiet_start=quiet[0],
                quiet_end=quiet[1],
            )  # fmt: skip
        # Saved with the defaults untouched, and saved with a choice of their own.
        ReminderPrefs.objects.create(student_id=untouched.pk, school_id=school.pk)
        ReminderPrefs.objects.create(
            student_id=both.pk, school_id=school.pk, quiet_start=time(23), quiet_end=time(8)
        )

        new = migrate(AFTER)
        moved = {
            p.student_id: (p.quiet_start, p.quiet_end)
            for p in new.get_model("reminders", "ReminderPrefs").objects.all()
        }
        assert moved == {
            only_planner.pk: (time(23), time(6)),  # kept, now in the one place
            untouched.pk: (time(21), time(5)),  # a choice beats an untouched default
            both.pk: (time(23), time(8)),  # the reminder settings are the source of truth
        }

        back = migrate(BEFORE).get_model("planner", "PlannerPrefs")
        assert back.objects.get(student_id=both.pk).quiet_start == time(23)
        assert back.objects.get(student_id=neither.pk).quiet_start is None
    finally:
        # Back to the latest state of every app, for whichever test runs next in this worker.
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
