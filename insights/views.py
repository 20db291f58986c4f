from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone

from accounts.decorators import student_required
from checkins.services import screen_private_writing
from lib.forms import add_service_errors
from planner import selectors as planner_selectors
from support.selectors import CrisisResources, crisis_resources_for

from . import selectors, services
from .forms import ReflectionForm
from .prompts import prompt_of_the_day

WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def _own_reflection(request, reflection_id: int):
    reflection = selectors.reflection_of(request.user, reflection_id)
    if reflection is None:
        raise Http404("No such reflection.")
    return reflection


@student_required
def insights(request):
    today = request.enrollment.school.today()
    exams = planner_selectors.exam_dates(request.user)  # in the student's planner zone
    return render(
        request,
        "insights/insights.html",
        {
            "o": selectors.overview(request.user, today, exam_dates=exams),
            "recent_exams": [d for d in exams if 0 <= (today - d).days < selectors.TREND_DAYS],
        },
    )


@student_required
def week(request):
    today = request.enrollment.school.today()
    return render(
        request,
        "insights/week.html",
        {"week": selectors.weekly_summary(request.user, today)},
    )


def _journal(request, number=1, **extra):
    page, entries = selectors.reflections_page(request.user, number)
    # Each entry is dated in the student's own zone: Sunday 21:50 is Sunday, wherever UTC is.
    with timezone.override(planner_selectors.zone_of(request.user)):
        return render(request, "insights/journal.html", {"page": page, "entries": entries, **extra})


def _screened(request) -> CrisisResources | None:
    """The crisis resources, if the text just sent sounds like a crisis (see
    checkins.services.screen_private_writing), read before it is encrypted."""
    if screen_private_writing(student=request.user, text=request.POST.get("body")):
        return crisis_resources_for(request.enrollment.school)
    return None


def _saved(request, crisis, saved: str):
    """After a save: back to the journal, or, when the words sounded like a crisis, the
    journal in this same response with the resources first (a redirect could lose them)."""
    if crisis is None:
        messages.success(request, saved)
        return redirect("journal")
    return _journal(request, crisis=crisis, saved=saved)


@student_required
def journal(request):
    return _journal(request, request.GET.get("page", 1))


@student_required
def reflection_new(request):
    prompt = prompt_of_the_day(request.enrollment.school.today())
    form = ReflectionForm(request.POST or None)
    crisis = _screened(request) if request.method == "POST" else None
    if request.method == "POST" and form.is_valid():
        try:
            services.write_reflection(
                student=request.user,
                body=form.cleaned_data["body"],
                prompt=prompt if form.cleaned_data["use_prompt"] else "",
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return _saved(request, crisis, "Reflection saved. Only you can read it.")
    return render(
        request,
        "insights/reflection_form.html",
        {"form": form, "prompt": prompt, "crisis": crisis},
    )


@student_required
def reflection_edit(request, reflection_id: int):
    reflection = _own_reflection(request, reflection_id)
    form = ReflectionForm(
        request.POST or None,
        initial={"body": selectors.reflection_body(reflection)},
        with_prompt=False,
    )
    crisis = _screened(request) if request.method == "POST" else None
    if request.method == "POST" and form.is_valid():
        try:
            services.update_reflection(
                student=request.user, reflection=reflection, body=form.cleaned_data["body"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return _saved(request, crisis, "Reflection updated. Only you can read it.")
    return render(
        request,
        "insights/reflection_form.html",
        {"form": form, "reflection": reflection, "prompt": reflection.prompt, "crisis": crisis},
    )


@student_required
def reflection_delete(request, reflection_id: int):
    """GET asks for confirmation; only POST deletes."""
    reflection = _own_reflection(request, reflection_id)
    if request.method == "POST":
        services.delete_reflection(student=request.user, reflection=reflection)
        messages.success(request, "Reflection deleted.")
        return redirect("journal")
    with timezone.override(planner_selectors.zone_of(request.user)):
        return render(request, "insights/reflection_delete.html", {"reflection": reflection})
