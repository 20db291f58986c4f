from django.http import HttpResponse
from django.utils import timezone
from ninja import Router, Schema

from schools.selectors import enrollment_of, placement_on, staff_memberships_of

from .data_ownership import export_personal_data

router = Router(tags=["me"])


class PlacementOut(Schema):
    rotation: str
    phase: str
    starts_on: str
    ends_on: str


class MeOut(Schema):
    email: str
    display_name: str
    role: str
    school: str | None
    cohort: str | None
    current_placement: PlacementOut | None


@router.get("", response=MeOut, summary="Who I am, my cohort and my current rotation")
def me(request):
    user = request.auth
    enrollment = enrollment_of(user)
    memberships = staff_memberships_of(user)
    placement = placement_on(user) if enrollment else None
    if memberships:
        role, school = memberships[0].role, memberships[0].school.name
    elif enrollment:
        role, school = "student", enrollment.school.name
    else:
        role, school = ("operator" if user.is_staff else "none"), None
    return {
        "email": user.email,
        "display_name": user.display_name,
        "role": role,
        "school": school,
        "cohort": str(enrollment.cohort) if enrollment else None,
        "current_placement": {
            "rotation": placement.rotation.name,
            "phase": placement.rotation.get_phase_display(),
            "starts_on": placement.starts_on.isoformat(),
            "ends_on": placement.ends_on.isoformat(),
        }
        if placement
        else None,
    }


@router.get(
    "/export",
    summary="Everything I own, as one ZIP (JSON, CSV and FHIR)",
    openapi_extra={
        "responses": {
            200: {
                "description": "A ZIP archive of all the caller's data.",
                "content": {"application/zip": {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def export(request):
    response = HttpResponse(export_personal_data(user=request.auth), content_type="application/zip")
    name = f"well-rounded-data-{timezone.localdate():%Y-%m-%d}.zip"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response
