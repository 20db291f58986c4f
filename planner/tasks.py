"""Background work, run by `manage.py run_worker`. Thin: each task calls one function."""

from django_tasks import task

from . import reminders


@task()
def send_planner_email(reminder_id: int) -> bool:
    return reminders.send_planner_email(reminder_id=reminder_id)
