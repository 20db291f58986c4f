"""What staff read, announced without content, so the project can audit it.

`cohorts` may not import `vault` (the privacy boundary keeps it away from personal-data apps),
so it only announces; `wellrounded.apps` connects the announcement to the audit trail.
"""

from django.dispatch import Signal

# Sent with kind ("staff_dashboard_viewed", "staff_export_downloaded" or "staff_api_read"),
# actor_id, school_id and, for an API read, repeat_of: its address (path and query), so the
# audit trail can tell a repeated identical read from a new one. Never stored.
aggregates_read = Signal()


def announce_read(request, *, kind: str, school_id: int) -> None:
    repeat_of = request.get_full_path() if kind == "staff_api_read" else None
    aggregates_read.send(
        sender=None, kind=kind, actor_id=request.user.pk, school_id=school_id, repeat_of=repeat_of
    )


# Sent with kind ("school_action_changed"), actor_id and school_id when staff record, edit,
# publish or withdraw an action, or attach a figure to one; with "campaign_test_sent" when
# staff send a campaign's invitation to themselves; and with "campaign_changed" when they
# make a campaign recur or stop it. Inside the change's transaction, so the audit row is
# written with it or not at all.
staff_changed = Signal()


def announce_change(*, kind: str, actor_id: int, school_id: int) -> None:
    staff_changed.send(sender=None, kind=kind, actor_id=actor_id, school_id=school_id)
