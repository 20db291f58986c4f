from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accounts.decorators import school_staff_required, student_required
from checkins.services import screen_private_writing
from lib.forms import add_service_errors
from support.selectors import crisis_resources_for

from . import selectors, services
from .forms import AssignTrackForm, LessonReflectionForm, SchoolLessonForm
from .publishing import published_completion


def _lesson(request, slug: str):
    lesson = selectors.lesson_for(request.enrollment.school, slug)
    if lesson is None:
        raise Http404("No such lesson.")
    return lesson


@student_required
def index(request):
    today = request.enrollment.school.today()
    return render(
        request,
        "learn/index.html",
        {"o": selectors.overview(request.user, request.enrollment, today)},
    )


def _lesson_page(request, lesson, **extra):
    reflection = selectors.reflection_of(request.user, lesson.slug)
    context = {
        "lesson": lesson,
        "done": lesson.slug in selectors.done_lessons(request.user),
        "reflection": selectors.reflection_text(request.user, reflection),
        **extra,
    }
    return render(request, "learn/lesson.html", context)


@student_required
def lesson(request, lesson_slug: str):
    return _lesson_page(request, _lesson(request, lesson_slug))


@student_required
@require_POST
def mark_done(request, lesson_slug: str):
    services.mark_lesson_done(student=request.user, slug=lesson_slug)
    messages.success(request, "Marked as done. Well done for taking the time.")
    return redirect("learn_lesson", lesson_slug=lesson_slug)


@student_required
@require_POST
def undo_done(request, lesson_slug: str):
    services.undo_lesson_done(student=request.user, slug=lesson_slug)
    messages.success(request, "No longer marked as done.")
    return redirect("learn_lesson", lesson_slug=lesson_slug)


@student_required
def reflection(request, lesson_slug: str):
    lesson = _lesson(request, lesson_slug)
    existing = selectors.reflection_of(request.user, lesson.slug)
    form = LessonReflectionForm(
        request.POST or None,
        initial={"body": selectors.reflection_text(request.user, existing)},
    )
    crisis = None
    # Screened as written, before it is encrypted (see checkins.services.screen_private_writing).
    if request.method == "POST" and screen_private_writing(
        student=request.user, text=request.POST.get("body")
    ):
        crisis = crisis_resources_for(request.enrollment.school)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_lesson_reflection(
                student=request.user, slug=lesson.slug, body=form.cleaned_data["body"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            saved = "Reflection saved. Only you can read it."
            if crisis is not None:
                # The lesson in this same response, with the resources first.
                return _lesson_page(request, lesson, crisis=crisis, saved=saved)
            messages.success(request, saved)
            return redirect("learn_lesson", lesson_slug=lesson.slug)
    context = {"form": form, "lesson": lesson, "existing": existing, "crisis": crisis}
    return render(request, "learn/reflection_form.html", context)


@student_required
def reflection_delete(request, lesson_slug: str):
    """GET asks for confirmation; only POST deletes."""
    lesson = _lesson(request, lesson_slug)
    if selectors.reflection_of(request.user, lesson.slug) is None:
        raise Http404("No reflection on this lesson.")
    if request.method == "POST":
        services.delete_lesson_reflection(student=request.user, slug=lesson.slug)
        messages.success(request, "Reflection deleted.")
        return redirect("learn_lesson", lesson_slug=lesson.slug)
    return render(request, "learn/reflection_delete.html", {"lesson": lesson})


lesson_staff_only = school_staff_required(
    refusal="Only school staff can manage lessons.",
    mfa_message="Set up two-factor authentication to manage lessons.",
)


@lesson_staff_only
def school_home(request, school):
    context = {
        "school": school,
        "table": published_completion(school, today=school.today()),
        "lessons": selectors.school_lessons(school),
        "assignments": selectors.assignments_of(school),
        "assign_form": AssignTrackForm(school=school),
    }
    return render(request, "learn/school_home.html", context)


@lesson_staff_only
def school_lesson_new(request, school):
    form = SchoolLessonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.create_school_lesson(by=request.user, school=school, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Lesson published for your school's students.")
            return redirect("learn_school")
    return render(request, "learn/school_lesson_form.html", {"form": form})


@lesson_staff_only
def school_lesson_edit(request, school, lesson_id: int):
    lesson = selectors.school_lesson_of(school, lesson_id)
    if lesson is None:
        raise Http404("No such lesson at your school.")
    form = SchoolLessonForm(request.POST or None, instance=lesson)
    if request.method == "POST" and form.is_valid():
        fields = dict(form.cleaned_data)
        try:
            services.update_school_lesson(by=request.user, lesson=lesson, **fields)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Lesson saved.")
            return redirect("learn_school")
    return render(request, "learn/school_lesson_form.html", {"form": form, "lesson": lesson})


@lesson_staff_only
@require_POST
def school_assign(request, school):
    form = AssignTrackForm(request.POST, school=school)
    if form.is_valid():
        services.assign_track(by=request.user, school=school, **form.cleaned_data)
        messages.success(request, "Track assigned. Its students see it first on their lessons.")
        return redirect("learn_school")
    context = {
        "school": school,
        "table": published_completion(school, today=school.today()),
        "lessons": selectors.school_lessons(school),
        "assignments": selectors.assignments_of(school),
        "assign_form": form,
    }
    return render(request, "learn/school_home.html", context, status=400)


@lesson_staff_only
@require_POST
def school_unassign(request, school, assignment_id: int):
    assignment = selectors.assignment_of(school, assignment_id)
    if assignment is None:
        raise Http404("No such assignment at your school.")
    services.unassign_track(by=request.user, assignment=assignment)
    messages.success(request, "Assignment removed.")
    return redirect("learn_school")
