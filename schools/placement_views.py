"""The school administrator's rotation-schedule pages: the placements file, the rotation
catalogue and the cohorts' phases (see schools/placements.py).

Placements are the school's data about its students: these pages show the school's own blocks,
by the address it listed them under, and nothing a student answered or recorded.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from accounts.decorators import school_staff_required

from .forms import (
    CohortPhasesForm,
    PlacementUploadForm,
    RosterSearchForm,
    RotationForm,
    RotationMappingForm,
    problems_message,
)
from .models import Cohort, CohortPhase, Placement, PlacementSource, Rotation
from .placements import (
    HEADER,
    catalogue_of,
    check_rows,
    clear_flag,
    declared_groups,
    import_placements,
    plan_import,
    rows_from_json,
    rows_to_json,
    save_rotation,
    set_cohort_phases,
)
from .selectors import administered_school
from .views import csv_response

school_admin_only = school_staff_required(
    refusal="Only your school's administrator manages its rotation schedules.",
    mfa_message="Set up two-factor authentication to manage your school's rotation schedules.",
    school_of=administered_school,
)
# The parsed file between the upload and the import: in the administrator's own session.
UPLOAD_KEY = "placements_upload"
BLOCKS_PER_PAGE = 100


def school_blocks(school):
    return Placement.objects.filter(school=school, source=PlacementSource.SCHOOL)


@school_admin_only
@require_http_methods(["GET", "POST"])
def placements(request, school):
    form = PlacementUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        request.session[UPLOAD_KEY] = {
            "school": school.pk,
            "name": form.cleaned_data["file"].name[:200],
            "rows": rows_to_json(form.rows),
        }
        return redirect("school_placements_preview")
    search = RosterSearchForm(request.GET)
    query = search.cleaned_data["q"].strip().lower() if search.is_valid() else ""
    blocks = school_blocks(school).select_related("rotation").order_by("email", "starts_on")
    if query:
        blocks = blocks.filter(email__contains=query)
    context = {
        "school": school,
        "form": form,
        "search": search,
        "query": query,
        "page": Paginator(blocks, BLOCKS_PER_PAGE).get_page(request.GET.get("page")),
        "total": school_blocks(school).count(),
        "flagged": school_blocks(school)
        .filter(flagged_at__isnull=False)
        .select_related("rotation")
        .order_by("flagged_at"),
    }
    return render(request, "schools/placements.html", context)


@school_admin_only
@require_http_methods(["GET", "POST"])
def placements_preview(request, school):
    upload = request.session.get(UPLOAD_KEY)
    if not upload or upload.get("school") != school.pk:
        messages.info(request, "Upload a placements file first.")
        return redirect("school_placements")
    rows = rows_from_json(upload["rows"])
    checked = check_rows(school, rows)
    mapping = RotationMappingForm(
        request.POST or None, unknown=checked.unknown_rotations, school=school
    )
    if request.method == "POST" and mapping.is_valid():
        checked = check_rows(school, rows, mapping.mapping())
        if not checked.errors and request.POST.get("action") == "import":
            plan = import_placements(school, checked.blocks, by=request.user)
            del request.session[UPLOAD_KEY]
            messages.success(
                request,
                f"Placements imported: {len(plan.add)} added, {len(plan.update)} updated, "
                f"{len(plan.remove)} removed, {plan.unchanged} unchanged.",
            )
            return redirect("school_placements")
    context = {
        "school": school,
        "name": upload["name"],
        "rows": len(rows),
        "errors": problems_message(checked.errors),
        "error_count": len(checked.errors),
        "mapping": mapping,
        "plan": None if checked.errors else plan_import(school, checked.blocks),
        "upload_form": PlacementUploadForm(),
    }
    return render(request, "schools/placements_preview.html", context)


@school_admin_only
def placements_template(request, school):
    return csv_response([HEADER], "placements-template.csv")


@school_admin_only
@require_POST
def placement_flag_clear(request, school, placement_id: int):
    placement = get_object_or_404(school_blocks(school), pk=placement_id)
    clear_flag(placement, by=request.user)
    messages.success(
        request, f"The flag on {placement.email}'s {placement.rotation} block is cleared."
    )
    return redirect("school_placements")


@school_admin_only
@require_http_methods(["GET", "POST"])
def catalogue(request, school):
    form = RotationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            rotation = save_rotation(school=school, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            for name, problems in error.message_dict.items():
                form.add_error(name if name in form.fields else None, problems)
        else:
            messages.success(request, f"{rotation.name} is in your catalogue.")
            return redirect("school_catalogue")
    cohorts = Cohort.objects.filter(school=school)
    phases = {}
    for period in CohortPhase.objects.filter(cohort__school=school):
        phases.setdefault(period.cohort_id, []).append(period)
    context = {
        "school": school,
        "form": form,
        "rotations": catalogue_of(school),
        "groups": declared_groups(school),
        "cohorts": [(cohort, phases.get(cohort.pk, [])) for cohort in cohorts],
    }
    return render(request, "schools/catalogue.html", context)


@school_admin_only
@require_http_methods(["GET", "POST"])
def catalogue_edit(request, school, rotation_id: int):
    rotation = get_object_or_404(Rotation, pk=rotation_id, school=school)
    initial = {
        "name": rotation.name,
        "phase": rotation.phase,
        "group": rotation.group,
        "position": rotation.position,
    }
    form = RotationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            save_rotation(school=school, rotation=rotation, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            for name, problems in error.message_dict.items():
                form.add_error(name if name in form.fields else None, problems)
        else:
            messages.success(request, f"{rotation.name} is saved.")
            return redirect("school_catalogue")
    context = {"school": school, "form": form, "rotation": rotation}
    return render(request, "schools/catalogue_edit.html", context)


@school_admin_only
@require_http_methods(["GET", "POST"])
def cohort_phases(request, school, cohort_id: int):
    cohort = get_object_or_404(Cohort, pk=cohort_id, school=school)
    initial = {}
    for period in CohortPhase.objects.filter(cohort=cohort):
        initial[f"{period.phase}_starts_on"] = period.starts_on
        initial[f"{period.phase}_ends_on"] = period.ends_on
    form = CohortPhasesForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            set_cohort_phases(cohort=cohort, periods=form.periods, by=request.user)
        except ValidationError as error:
            for phase, problems in error.message_dict.items():
                form.add_error(f"{phase}_starts_on", problems)
        else:
            messages.success(request, f"The phases of the {cohort} are saved.")
            return redirect("school_catalogue")
    context = {"school": school, "form": form, "cohort": cohort}
    return render(request, "schools/cohort_phases.html", context)
