"""Background work, run by `manage.py run_worker`. Thin: each task calls one function."""

from django_tasks import task

from . import imports, reminders


@task()
def send_planner_email(reminder_id: int) -> bool:
    return reminders.send_planner_email(reminder_id=reminder_id)


@task()
def run_calendar_import(import_id: int) -> str | None:
    return imports.run_calendar_import(import_id=import_id)
