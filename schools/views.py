"""The school administrator's pages: the roster, which decides which students count."""

import csv
import io

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from accounts.decorators import school_staff_required

from .forms import RosterSearchForm, RosterUploadForm
from .models import RosterEntry
from .roster import HEADER, import_roster, remove_from_roster
from .selectors import administered_school, roster_counts

school_admin_only = school_staff_required(
    refusal="Only your school's administrator manages its roster, cohorts, staff and settings.",
    mfa_message="Set up two-factor authentication to manage your school.",
    school_of=administered_school,
)
ENTRIES_PER_PAGE = 100


@school_admin_only
@require_http_methods(["GET", "POST"])
def roster(request, school):
    form = RosterUploadForm(request.POST or None, request.FILES or None, school=school)
    if request.method == "POST" and form.is_valid():
        result = import_roster(
            school, form.entries, replace=form.cleaned_data["replace"], by=request.user
        )
        messages.success(
            request,
            f"Roster imported: {result.added} added, {result.moved} moved to another cohort, "
            f"{result.removed} removed, {result.unchanged} unchanged.",
        )
        return redirect("school_roster")
    search = RosterSearchForm(request.GET)
    entries = RosterEntry.objects.filter(school=school).select_related("cohort")
    query = search.cleaned_data["q"].strip().lower() if search.is_valid() else ""
    if query:
        entries = entries.filter(email__contains=query)
    page = Paginator(entries, ENTRIES_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "school": school,
        "form": form,
        "search": search,
        "query": query,
        "page": page,
        "counts": roster_counts(school),
    }
    return render(request, "schools/roster.html", context)


@school_admin_only
@require_POST
def roster_remove(request, school, entry_id: int):
    entry = get_object_or_404(RosterEntry, pk=entry_id, school=school)
    remove_from_roster(school, entry.email, by=request.user)
    messages.success(request, f"{entry.email} is no longer on the roster.")
    return redirect("school_roster")


def csv_response(rows: list[list], filename: str) -> HttpResponse:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@school_admin_only
def roster_template(request, school):
    return csv_response([HEADER], "roster-template.csv")


@school_admin_only
def roster_export(request, school):
    entries = RosterEntry.objects.filter(school=school).select_related("cohort")
    rows = [[entry.email, entry.cohort.graduation_year] for entry in entries]
    return csv_response([HEADER, *rows], f"roster-{school.slug}.csv")
