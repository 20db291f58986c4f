"""What the schools app announces. Defined apart from the services that send them, so an app
that listens (cohorts) imports nothing else of ours through them."""

from django.dispatch import Signal

# A student's enrollment started or stopped counting toward their school's figures.
# Sent with sender=Enrollment, enrollment=<Enrollment>, verified=<bool>, only on a change.
verification_changed = Signal()

# The same changes, once for all the enrollments one write flipped (sender=Enrollment,
# changes=[(<Enrollment>, <bool verified>), ...]), for a receiver whose work is cheaper in bulk.
verifications_changed = Signal()

# A school administrator changed the roster. Sent with sender=School, school=<School>,
# kind=<audit event kind>, actor_id=<user id>, inside the change's transaction (the schools app
# records the audit event from it; see SchoolsConfig.ready).
roster_changed = Signal()

# A school administrator changed the school's schedule: imported placements, cleared a flag, edited
# the rotation catalogue or a cohort's phases. Sent like `roster_changed` (audited the same way).
schedule_changed = Signal()
