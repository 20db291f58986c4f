from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render

from accounts.decorators import student_required
from lib.forms import add_service_errors
from planner import selectors as planner_selectors

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


@student_required
def journal(request):
    page, entries = selectors.reflections_page(request.user, request.GET.get("page", 1))
    return render(request, "insights/journal.html", {"page": page, "entries": entries})


@student_required
def reflection_new(request):
    prompt = prompt_of_the_day(request.enrollment.school.today())
    form = ReflectionForm(request.POST or None)
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
            messages.success(request, "Reflection saved. Only you can read it.")
            return redirect("journal")
    return render(request, "insights/reflection_form.html", {"form": form, "prompt": prompt})


@student_required
def reflection_edit(request, reflection_id: int):
    reflection = _own_reflection(request, reflection_id)
    form = ReflectionForm(
        request.POST or None,
        initial={"body": selectors.reflection_body(reflection)},
        with_prompt=False,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_reflection(
                student=request.user, reflection=reflection, body=form.cleaned_data["body"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Reflection updated.")
            return redirect("journal")
    return render(
        request,
        "insights/reflection_form.html",
        {"form": form, "reflection": reflection, "prompt": reflection.prompt},
    )


@student_required
def reflection_delete(request, reflection_id: int):
    """GET asks for confirmation; only POST deletes."""
    reflection = _own_reflection(request, reflection_id)
    if request.method == "POST":
        services.delete_reflection(student=request.user, reflection=reflection)
        messages.success(request, "Reflection deleted.")
        return redirect("journal")
    return render(request, "insights/reflection_delete.html", {"reflection": reflection})
