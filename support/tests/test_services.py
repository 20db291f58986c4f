import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from support.models import Category, HelpResource
from support.services import add_help_resource, remove_help_resource, update_help_resource

from .factories import make_resource

pytestmark = pytest.mark.django_db


def test_only_staff_of_the_school_can_write_its_directory(school, other_staff, student):
    for user in [other_staff, student]:
        with pytest.raises(PermissionDenied):
            add_help_resource(
                school=school, by=user, category=Category.COUNSELLING, name="X", phone="988"
            )
    assert not HelpResource.objects.exists()


def test_another_schools_staff_cannot_change_or_remove_an_entry(school, other_staff):
    resource = make_resource(school, "Riverside Counselling")

    with pytest.raises(PermissionDenied):
        update_help_resource(resource=resource, by=other_staff, name="Hijacked")
    with pytest.raises(PermissionDenied):
        remove_help_resource(resource=resource, by=other_staff)
    resource.refresh_from_db()
    assert resource.name == "Riverside Counselling"


def test_the_service_validates_whatever_front_end_calls_it(school, staff):
    with pytest.raises(ValidationError):
        add_help_resource(school=school, by=staff, category=Category.COUNSELLING, name="X")
    assert not HelpResource.objects.exists()
