"""What the schools app does when something elsewhere happens (connected in SchoolsConfig)."""

from vault.audit import record_event

from .models import Enrollment
from .placements import link_school_placements
from .roster import refresh_verification


def refresh_on_email_change(sender, *, request=None, **kwargs) -> None:
    """A student confirmed an address or changed their primary one: whether they count may
    have changed (an unverified or unlisted address never counts)."""
    address = kwargs.get("email_address") or kwargs.get("to_email_address")
    user = kwargs.get("user") or getattr(address, "user", None)
    if user is None:
        return
    enrollment = Enrollment.objects.filter(student=user).first()
    if enrollment is not None:
        refresh_verification(enrollment)


def audit_roster_change(sender, *, school, kind: str, actor_id: int | None, **kwargs) -> None:
    # Here rather than in schools.roster: cohorts reads schools.roster's signal, and the
    # import-linter contract keeps vault out of cohorts' reach, even indirectly.
    record_event(kind, actor_id=actor_id, school_id=school.pk)


def link_placements_on_verification(sender, *, changes, **kwargs) -> None:
    """The school's blocks follow verification: linked to the student's account while the
    school vouches for it, unlinked when it stops doing so."""
    link_school_placements(changes)
