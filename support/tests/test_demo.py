import pytest

from support.demo import seed_help_directory
from support.models import Category, HelpResource
from support.selectors import crisis_resources_for, directory_for

pytestmark = pytest.mark.django_db


def test_the_demo_directory_is_valid_complete_and_can_be_seeded_twice(school):
    seed_help_directory(school)
    seed_help_directory(school)

    resources = list(HelpResource.objects.filter(school=school))
    for resource in resources:
        resource.full_clean()
    assert {r.category for r in resources} == set(Category.values)
    assert len(resources) == 7
    assert [c.name for c in crisis_resources_for(school).school_contacts] == [
        "After-hours Counselling Line"
    ]
    assert len(directory_for(school)) == len(Category)
