"""Background work, run by `manage.py run_worker`. Thin: each task calls one function."""

from django_tasks import task

from . import campaigns


@task()
def send_campaign_emails(campaign_id: int, kind: str) -> int:
    return campaigns.send_campaign_emails(campaign_id=campaign_id, kind=kind)


@task()
def repeat_campaign(campaign_id: int) -> bool:
    """Queued for the day a recurring campaign opens: create its next occurrence."""
    campaign = campaigns.Campaign.objects.filter(pk=campaign_id).first()
    if campaign is None:
        return False
    try:
        return campaigns.repeat(campaign) is not None
    except campaigns.ValidationError:
        return False  # refused (an overlapping campaign): `repeat_campaigns` says why, daily
