from django.core.exceptions import PermissionDenied
from django.db import transaction

from schools.models import School, StaffMembership
from vault.audit import record_event

from .models import HelpResource

EDITABLE_FIELDS = (
    "category",
    "name",
    "description",
    "hours",
    "how_to_book",
    "cost",
    "phone",
    "text_number",
    "url",
    "email",
    "location",
    "confidentiality_note",
    "involved_in_grading",
    "is_urgent_contact",
    "position",
)


def _require_staff_of(by, school: School) -> None:
    # Checked here as well as in the views, so a future API or command cannot skip it.
    if not StaffMembership.objects.filter(user=by, school=school).exists():
        raise PermissionDenied("Only staff of this school can change its help directory.")


def _assign(resource: HelpResource, fields: dict) -> None:
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"Not editable: {', '.join(sorted(unknown))}")
    for name, value in fields.items():
        setattr(resource, name, value)


@transaction.atomic
def add_help_resource(*, school: School, by, **fields) -> HelpResource:
    _require_staff_of(by, school)
    resource = HelpResource(school=school)
    _assign(resource, fields)
    resource.full_clean()
    resource.save()
    record_event("help_directory_changed", actor_id=by.pk, school_id=school.pk)
    return resource


@transaction.atomic
def update_help_resource(*, resource: HelpResource, by, **fields) -> HelpResource:
    _require_staff_of(by, resource.school)
    _assign(resource, fields)
    resource.full_clean()
    resource.save()
    record_event("help_directory_changed", actor_id=by.pk, school_id=resource.school_id)
    return resource


@transaction.atomic
def remove_help_resource(*, resource: HelpResource, by) -> None:
    _require_staff_of(by, resource.school)
    school_id = resource.school_id
    resource.delete()
    record_event("help_directory_changed", actor_id=by.pk, school_id=school_id)
