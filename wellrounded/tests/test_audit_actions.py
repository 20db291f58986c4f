"""Every change to a school's actions leaves an audit row, without content."""

import pytest

from cohorts import actions
from conftest import make_staff
from schools.models import StaffRole
from vault.audit import actor_ref
from vault.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_recording_and_publishing_an_action_are_audited_without_content(school, cohort):
    lead = make_staff(school, "lead@riverside.example", role=StaffRole.WELLNESS_LEAD)
    action = actions.record_action(
        by=lead, school=school, title="Protected half-day", starts_on=school.today(),
        cohorts=[cohort],
    )  # fmt: skip
    actions.set_published(by=lead, action=action, published=True)

    rows = AuditEvent.objects.filter(kind="school_action_changed")
    assert rows.count() == 2
    assert {(r.actor, r.school_id) for r in rows} == {(actor_ref(lead.pk), school.pk)}
