"""What a check-in or screening contributes to the school's anonymous rollups.

The only bridge from personal rows to `cohorts`: cohorts never reads check-ins itself, it
receives observations here, in the same transaction as the write that causes them.
"""

from collections.abc import Iterable, Iterator

from cohorts import services as rollups
from cohorts.campaigns import answers_a_campaign, forget_campaign_responses
from cohorts.guard import forget_member
from cohorts.observations import Observation
from schools.models import Enrollment

from .models import SCALE_FIELDS, SELF_CARE_FIELDS, CheckIn, ScreeningResponse

CHECKIN_MEASURE = "checkin"


def checkin_observations(checkin: CheckIn, cohort_id: int) -> list[Observation]:
    base = {
        "school_id": checkin.school_id,
        "cohort_id": cohort_id,
        "rotation_id": checkin.rotation_id,
        "day": checkin.day,
        "student_id": checkin.student_id,
        "band": None,
    }
    # A quick check-in leaves questions out: those measures get no observation (never a guess).
    values = {
        name: float(getattr(checkin, name))
        for name in [*SCALE_FIELDS, "sleep_hours"]
        if getattr(checkin, name) is not None
    }
    values.update({name: float(bool(getattr(checkin, name))) for name in SELF_CARE_FIELDS})
    values[CHECKIN_MEASURE] = 1.0
    return [Observation(measure=m, value=v, **base) for m, v in values.items()]


def screening_observations(response: ScreeningResponse, cohort_id: int) -> list[Observation]:
    return [
        Observation(
            school_id=response.school_id,
            cohort_id=cohort_id,
            rotation_id=response.rotation_id,
            day=response.day,
            measure=f"screen:{response.instrument}",
            value=float(response.score),
            band=response.band or None,
            student_id=response.student_id,
        )
    ]


def add(observations: Iterable[Observation]) -> None:
    rollups.apply_observations(list(observations), sign=1)


def remove(observations: Iterable[Observation]) -> None:
    rollups.apply_observations(list(observations), sign=-1)


def replace(old: Iterable[Observation], new: Iterable[Observation]) -> None:
    """Swap one contribution for another (a resubmitted check-in) in a single pass."""
    rollups.apply_changes(removed=list(old), added=list(new))


def forget_student(student) -> None:
    """Take every contribution of `student` out of the rollups and campaign answers (before
    their rows go): whatever cells they are counted in, under whichever cohort, by their
    member hash.

    Their enrollment is locked first, as every check-in of theirs locks it, so no check-in of
    theirs can be counted between this and the deletion of their rows."""
    Enrollment.objects.select_for_update().filter(student=student).first()
    forget_campaign_responses(student_id=student.pk)
    rollups.purge_student(student_id=student.pk)
    forget_member(student.pk)


def all_observations() -> Iterator[Observation]:
    cohorts = dict(Enrollment.objects.values_list("student_id", "cohort_id"))
    for checkin in CheckIn.objects.order_by("pk").iterator(chunk_size=5000):
        if checkin.student_id in cohorts:
            yield from checkin_observations(checkin, cohorts[checkin.student_id])
    for response in ScreeningResponse.objects.order_by("pk").iterator(chunk_size=5000):
        cohort_id = cohorts.get(response.student_id)
        if cohort_id is not None and not answers_a_campaign(response, cohort_id):
            yield from screening_observations(response, cohort_id)


def rebuild_rollups() -> int:
    return rollups.rebuild(all_observations())
