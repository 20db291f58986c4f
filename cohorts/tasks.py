"""Background work, run by `manage.py run_worker`. Thin: each task calls one function."""

from django_tasks import task

from . import campaigns


@task()
def send_campaign_emails(campaign_id: int, kind: str) -> int:
    return campaigns.send_campaign_emails(campaign_id=campaign_id, kind=kind)
