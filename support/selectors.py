from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from schools.models import School
from schools.selectors import enrollment_of, staff_memberships_of

from .crisis_lines import NationalLine, national_directory
from .models import Category, HelpResource

# Stands for "the school's own urgent contacts" (is_urgent_contact) in the next-steps mapping.
URGENT_CONTACT = "urgent_contact"

# Which kinds of help to offer after a screening, most fitting first. Flags come before
# bands; a result matching nothing gets the low-threshold options. Band labels are the ones
# in instruments/data/*.toml.
NEXT_STEPS_BY_FLAG: dict[str, tuple[str, ...]] = {
    "self_harm": (URGENT_CONTACT, Category.COUNSELLING),
    "positive_screen": (Category.COUNSELLING, Category.STUDENT_HEALTH),
    "screen_for_depression": (Category.COUNSELLING, Category.STUDENT_HEALTH),
}
CLINICAL = (Category.COUNSELLING, Category.THERAPY, Category.STUDENT_HEALTH)
NEXT_STEPS_BY_BAND: dict[tuple[str, str], tuple[str, ...]] = {
    ("phq9", "Moderate"): CLINICAL,
    ("phq9", "Moderately severe"): CLINICAL,
    ("phq9", "Severe"): CLINICAL,
    ("gad7", "Moderate"): CLINICAL,
    ("gad7", "Severe"): CLINICAL,
    ("pss10", "High stress"): CLINICAL,
    ("cbi_personal", "50 or above"): CLINICAL,
    ("cbi_work", "50 or above"): CLINICAL,
    ("brs", "Low resilience"): (Category.COUNSELLING, Category.PEER_SUPPORT),
    ("ucla3", "More often lonely"): (Category.PEER_SUPPORT, Category.COUNSELLING),
}
LOW_THRESHOLD_STEPS = (Category.PEER_SUPPORT, Category.ACADEMIC_SUPPORT)
MAX_NEXT_STEPS = 3


@dataclass(frozen=True)
class CrisisResources:
    national: list[NationalLine]
    school_contacts: list[HelpResource]
    last_verified: date


def crisis_resources_for(school: School | None) -> CrisisResources:
    """What the crisis block shows: national lines (urgent first) and the school's own contacts."""
    directory = national_directory()
    national = sorted(directory.lines, key=lambda line: not line.urgent)
    contacts = (
        list(HelpResource.objects.filter(school=school, is_urgent_contact=True))
        if school is not None
        else []
    )
    return CrisisResources(
        national=national, school_contacts=contacts, last_verified=directory.last_verified
    )


def directory_for(school: School | None) -> list[tuple[str, list[HelpResource]]]:
    """The school's resources grouped under category labels, in `Category` order."""
    if school is None:
        return []
    by_category: dict[str, list[HelpResource]] = {}
    for resource in HelpResource.objects.filter(school=school):
        by_category.setdefault(resource.category, []).append(resource)
    return [
        (category.label, by_category[category.value])
        for category in Category
        if category.value in by_category
    ]


def next_steps_for(
    school: School | None, *, instrument_id: str, band: str | None, flags: Sequence[str]
) -> list[HelpResource]:
    """At most three of the school's resources that fit a screening result, best first."""
    if school is None:
        return []
    wanted: list[str] = []
    for flag in flags:
        wanted.extend(NEXT_STEPS_BY_FLAG.get(flag, ()))
    if band is not None:
        wanted.extend(NEXT_STEPS_BY_BAND.get((instrument_id, band), ()))
    if not wanted:
        wanted.extend(LOW_THRESHOLD_STEPS)
    resources = list(HelpResource.objects.filter(school=school))
    steps: list[HelpResource] = []
    for kind in dict.fromkeys(wanted):
        match = next(
            (
                r
                for r in resources
                if r not in steps
                and (r.is_urgent_contact if kind == URGENT_CONTACT else r.category == kind)
            ),
            None,
        )
        if match is not None:
            steps.append(match)
        if len(steps) == MAX_NEXT_STEPS:
            break
    return steps


def help_school_for(user) -> School | None:
    """The school whose directory `user` sees: a student's own, or a staff member's."""
    if enrollment := enrollment_of(user):
        return enrollment.school
    memberships = staff_memberships_of(user)
    return memberships[0].school if memberships else None
