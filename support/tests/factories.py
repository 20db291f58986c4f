from schools.models import School
from support.models import Category, GradingInvolvement, HelpResource


def make_resource(school: School, name: str = "Counselling Service", **fields) -> HelpResource:
    defaults = {
        "category": Category.COUNSELLING,
        "phone": "(555) 010-2000",
        "hours": "Mon–Fri 9am–5pm",
        "involved_in_grading": GradingInvolvement.NEVER,
    }
    return HelpResource.objects.create(school=school, name=name, **{**defaults, **fields})
