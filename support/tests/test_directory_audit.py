"""Each change to a school's help directory leaves an audit event (without its content)."""

import pytest
from django.urls import reverse

from conftest import make_staff, with_totp
from schools.models import StaffRole
from support.models import HelpResource
from vault.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_adding_editing_and_removing_an_entry_are_each_audited(client, school):
    admin = make_staff(school, "registrar@riverside.example", role=StaffRole.SCHOOL_ADMIN)
    with_totp(admin)
    client.force_login(admin)
    entry = {
        "category": "counselling",
        "name": "Counselling",
        "phone": "555-0100",
        "involved_in_grading": "never",
        "position": 0,
    }
    client.post(reverse("support_manage_new"), entry)
    resource = HelpResource.objects.get(school=school)
    client.post(reverse("support_manage_edit", args=[resource.pk]), {**entry, "name": "Care"})
    client.post(reverse("support_manage_delete", args=[resource.pk]))

    kinds = AuditEvent.objects.filter(kind="help_directory_changed", school_id=school.pk)
    assert kinds.count() == 3
    assert not HelpResource.objects.exists()
