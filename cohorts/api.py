"""The dashboard's suppressed aggregates as JSON, for school staff only.

A hidden cell is `{"shown": false, "reason": "..."}` and carries no number at all.
"""

from collections.abc import Iterable
from datetime import date
from typing import Annotated, Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from ninja import Field, Router, Schema
from pydantic import BaseModel, BeforeValidator

from lib.api_types import ErrorOut
from schools.selectors import staff_memberships_of

from . import campaigns, reports, selectors
from .answers import stored_answer
from .measures import CHARTED_MEASURES, SCREENING_MEASURES
from .signals import announce_read
from .suppression import Cell

router = Router(tags=["cohorts"])


def _whole_number(value):
    # A query string carries "26", and a Literal only matches the int 26: read digits first.
    return int(value) if isinstance(value, str) and value.isdigit() else value


Weeks = Annotated[Literal[8, 26, 52], BeforeValidator(_whole_number)]


class MeasureOut(Schema):
    key: str
    label: str
    kind: str
    better: str | None
    description: str
    bands: list[str]


class CohortOut(Schema):
    id: int
    name: str
    school: str
    k: int


# The tables below are built as plain dicts, hundreds of figures per answer: plain pydantic
# models validate them several times faster than ninja's Schema, which wraps every nested
# object to read ORM attributes (half of a 52-week answer's time went there).
class CoarseOut(BaseModel):
    """A coarser figure published in a hidden cell's place: the rotation's declared group that
    week ("group"), or the rotation over its 4-week block ("block"), named in `label`."""

    granularity: Literal["group", "block"]
    label: str
    starts_on: date  # the period the figure covers: the week, or the 4-week block
    ends_on: date
    students: int | None
    # In a week whose participation is hidden: no exact count, a value rounded to `rounded_to`.
    students_at_least: int | None = None
    rounded_to: float | None = None
    value: float
    ci_low: float
    ci_high: float


class FigureOut(BaseModel):
    group: str
    shown: bool
    reason: str | None = None
    students: int | None = None
    # A week whose participation is hidden: no exact count, a value rounded to `rounded_to`.
    students_at_least: int | None = None
    rounded_to: float | None = None
    # A hidden participation rate's top- or bottom-code: "above" p (more than p%) or
    # "below" k (fewer than k students).
    bound_side: str | None = None
    bound_value: int | None = None
    value: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None


class RotationFigureOut(FigureOut):
    """A rotation's (or "unplaced") cell; where hidden, the coarser figure shown instead."""

    coarse: CoarseOut | None = None


class WeekOut(BaseModel):
    week: date
    total: FigureOut
    groups: list[FigureOut]


class RotationWeekOut(BaseModel):
    week: date
    total: FigureOut
    groups: list[RotationFigureOut]


class RotationTableOut(BaseModel):
    cohort: int
    measure: str
    k: int
    weeks: list[RotationWeekOut]


class TableOut(BaseModel):
    cohort: int
    measure: str
    k: int
    weeks: list[WeekOut]


class ParticipationOut(BaseModel):
    cohort: int
    k: int
    enrolled: int
    weeks: list[WeekOut]


ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


def _require_staff(request) -> None:
    if not staff_memberships_of(request.user):
        raise PermissionDenied("Only school staff can see cohort aggregates.")


def _cohort(request, cohort_id: int):
    cohort = selectors.cohort_for_staff(request.user, cohort_id)
    if cohort is None:
        _require_staff(request)  # 403 for anyone who is not staff at all
        raise Http404
    return cohort


def _figure(group: str, cell) -> dict:
    if not isinstance(cell, Cell):
        out = {"group": group, "shown": False, "reason": cell.reason}
        if cell.bound is not None:
            out["bound_side"], out["bound_value"] = cell.bound
        return out
    estimate = cell.value
    return {
        "group": group,
        "shown": True,
        "students": estimate.n,
        "students_at_least": estimate.at_least,
        "rounded_to": estimate.step,
        "value": round(estimate.value, 4),
        "ci_low": round(estimate.low, 4),
        "ci_high": round(estimate.high, 4),
    }


def _group_figure(table, week, group: str, cell) -> dict:
    figure = _figure(group, cell)
    coarse = getattr(table, "coarse", {}).get((week, group))
    if coarse is not None:
        estimate = coarse.cell.value
        figure["coarse"] = {
            "granularity": coarse.granularity,
            "label": coarse.label,
            "starts_on": coarse.starts_on,
            "ends_on": coarse.ends_on,
            "students": estimate.n,
            "students_at_least": estimate.at_least,
            "rounded_to": estimate.step,
            "value": round(estimate.value, 4),
            "ci_low": round(estimate.low, 4),
            "ci_high": round(estimate.high, 4),
        }
    return figure


def _weeks(table) -> list[dict]:
    return [
        {
            "week": row.week,
            "total": _figure("cohort", row.total),
            "groups": [
                _group_figure(table, row.week, g.key, c)
                for g, c in zip(table.groups, row.cells, strict=True)
            ],
        }
        for row in table.rows
    ]


def _answered(request, school_ids: Iterable[int], payload):
    """Audit a read that is about to be answered (never a refused one) in the trail of each
    school whose figures it holds, then answer it."""
    for school_id in sorted(set(school_ids)):
        announce_read(request, kind="staff_api_read", school_id=school_id)
    return payload


def _measure(key: str, allowed) -> str:
    if key not in {m.key for m in allowed}:
        raise ValidationError({"measure": [f"Choose one of: {', '.join(m.key for m in allowed)}."]})
    return key


@router.get("/measures", response={200: list[MeasureOut], **ERRORS})
def list_measures(request):
    _require_staff(request)
    return [
        {
            "key": m.key,
            "label": m.label,
            "kind": m.kind,
            "better": m.better,
            "description": m.description,
            "bands": list(m.bands),
        }
        for m in CHARTED_MEASURES
    ]


@router.get("/cohorts", response={200: list[CohortOut], **ERRORS})
def list_cohorts(request):
    _require_staff(request)
    return [
        {"id": c.pk, "name": str(c), "school": c.school.name, "k": selectors.k_for(c.school)}
        for c in selectors.cohorts_for_staff(request.user)
    ]


@router.get("/cohorts/{cohort_id}/trend", response={200: RotationTableOut, **ERRORS})
def cohort_trend(request, cohort_id: int, measure: str = "mood", weeks: Weeks = 8):
    """A measure for the whole cohort (`total`) and each rotation (`groups`), week by week."""
    cohort = _cohort(request, cohort_id)
    key = _measure(measure, CHARTED_MEASURES)

    def build(today):
        table = selectors.rotation_table(cohort, measure_key=key, weeks=weeks, today=today)
        return {"cohort": cohort.pk, "measure": key, "k": table.k, "weeks": _weeks(table)}

    answer = stored_answer(cohort, ("trend", key, weeks), RotationTableOut, build)
    return _answered(request, [cohort.school_id], answer)


@router.get("/cohorts/{cohort_id}/bands", response={200: TableOut, **ERRORS})
def cohort_bands(request, cohort_id: int, measure: str, weeks: Weeks = 8):
    """A screening's average (`total`) and the share of students in each band (`groups`)."""
    cohort = _cohort(request, cohort_id)
    key = _measure(measure, [m for m in SCREENING_MEASURES if m.bands])

    def build(today):
        table = selectors.band_table(cohort, measure_key=key, weeks=weeks, today=today)
        return {"cohort": cohort.pk, "measure": key, "k": table.k, "weeks": _weeks(table)}

    answer = stored_answer(cohort, ("bands", key, weeks), TableOut, build)
    return _answered(request, [cohort.school_id], answer)


@router.get("/cohorts/{cohort_id}/participation", response={200: ParticipationOut, **ERRORS})
def cohort_participation(request, cohort_id: int, weeks: Weeks = 8):
    """Students who checked in at least once each week (`students`) and the rate (`value`)."""
    cohort = _cohort(request, cohort_id)
    table = selectors.participation_table(cohort, weeks=weeks)
    payload = {
        "cohort": cohort.pk,
        "k": table.k,
        "enrolled": table.enrolled,
        "weeks": [
            {"week": row.week, "total": _figure("cohort", row.total), "groups": []}
            for row in table.rows
        ],
    }
    return _answered(request, [cohort.school_id], payload)


class CampaignOut(Schema):
    id: int
    cohort: int
    rotation: str | None
    instrument: str
    opens_on: date
    closes_on: date
    message: str
    closed: bool
    state: str = Field(
        description="upcoming, open, waiting (closed, not yet published) or published"
    )
    publishes_on: date
    invited: int | None = Field(None, description="Frozen when the results are published.")
    responses: FigureOut | None = None
    summary: str


class CampaignDetailOut(CampaignOut):
    mean: FigureOut | None = None
    bands: list[FigureOut] = []


def _campaign(summary: reports.CampaignSummary) -> dict:
    campaign = summary.campaign
    return {
        "id": campaign.pk,
        "cohort": campaign.cohort_id,
        "rotation": campaign.rotation.slug if campaign.rotation else None,
        "instrument": campaign.instrument,
        "opens_on": campaign.opens_on,
        "closes_on": campaign.closes_on,
        "message": campaign.message,
        "closed": summary.closed,
        "state": summary.state,
        "publishes_on": summary.publishes_on,
        "invited": summary.invited,
        "responses": _figure("responded", summary.rate) if summary.rate is not None else None,
        "summary": summary.response_text,
    }


@router.get("/campaigns", response={200: list[CampaignOut], **ERRORS})
def list_campaigns(request):
    """The school's campaigns with response rates (`responses.value` is the share)."""
    _require_staff(request)
    schools = [m.school_id for m in staff_memberships_of(request.user)]
    found = [
        _campaign(reports.campaign_summary(c)) for c in campaigns.staff_campaigns(request.user)
    ]
    return _answered(request, schools, found)  # every school whose campaigns it lists


@router.get("/campaigns/{campaign_id}", response={200: CampaignDetailOut, **ERRORS})
def campaign_detail(request, campaign_id: int):
    """One campaign; once closed, the mean score and the share in each band (suppressed)."""
    _require_staff(request)
    campaign = campaigns.campaign_for_staff(request.user, campaign_id)
    if campaign is None:
        raise Http404
    summary = reports.campaign_summary(campaign)
    out = _campaign(summary)
    if summary.mean is not None:
        out["mean"] = _figure("mean", summary.mean)
        out["bands"] = [_figure(label, cell) for label, cell in summary.bands]
    return _answered(request, [campaign.school_id], out)
