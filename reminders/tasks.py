"""Background work, run by `manage.py run_worker`. Thin: each task calls one function."""

from django_tasks import task

from . import services


@task()
def send_reminder(reminder_id: int) -> str:
    return services.send_reminder(reminder_id=reminder_id)
