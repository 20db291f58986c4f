"""Background work, run by `manage.py run_worker`. Thin: each task calls one function."""

from django_tasks import task

from . import administration


@task()
def send_staff_invitation_email(invitation_id: int) -> bool:
    return administration.send_staff_invitation(invitation_id)
