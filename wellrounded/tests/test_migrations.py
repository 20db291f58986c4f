"""Every migration can be unapplied and applied again on a database that holds data."""

import pytest
from django.apps import apps
from django.conf import settings
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from checkins.services import record_checkin, record_screening
from conftest import make_staff, make_student, with_totp
from habits.services import enable_default_habit
from schools.models import Rotation

CHECKIN = {
    "mood": 3, "stress": 3, "energy": 3, "sleep_hours": 7, "sleep_quality": 3,
    "loneliness": 2, "purpose": 4, "note": "migrated away and back",
}  # fmt: skip


# Ours, not Django's or third parties' (django_tasks_database's data migrations, for one, have
# no way back).
OUR_APPS = sorted(
    config.label
    for config in apps.get_app_configs()
    # The virtualenv may live inside the checkout (`make` puts it in .venv/): not ours.
    if config.path.startswith(str(settings.BASE_DIR))
    and "site-packages" not in config.path
    and config.label != "wellrounded"
)


def tables_of_our_apps() -> set[str]:
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
    return {table for table in tables if table.split("_")[0] in OUR_APPS}


@pytest.mark.django_db(transaction=True)
def test_the_whole_project_migrates_to_zero_and_back_with_students_data_in_it(cohort, school):
    for i in range(3):
        student = make_student(cohort, f"s{i}@riverside.example")  # placements: PROTECT
        record_checkin(student=student, values=CHECKIN)
        record_screening(
            student=student, instrument_id="who5", answers=[3, 3, 3, 3, 3], submission_key="k"
        )
        enable_default_habit(student=student, kind="sleep")
    with_totp(make_staff(school, "educator@riverside.example"))  # sealed MFA secrets

    everything = MigrationExecutor(connection).loader.graph.leaf_nodes()
    assert tables_of_our_apps()
    try:
        MigrationExecutor(connection).migrate([(app, None) for app in OUR_APPS])

        assert tables_of_our_apps() == set()
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(everything)

    assert MigrationExecutor(connection).migration_plan(everything) == []
    assert Rotation.objects.filter(slug="surgery").exists()
