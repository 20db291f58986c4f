from datetime import date

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.decorators import student_required
from lib.forms import add_service_errors

from . import selectors, services
from .forms import HabitForm
from .models import Habit


def _own(request, habit_id: int) -> Habit:
    habit = selectors.habit_of(request.user, habit_id)
    if habit is None:
        raise Http404("No such habit.")
    return habit


def _is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


@student_required
def habit_list(request):
    today = request.enrollment.school.today()
    habits = selectors.habits_of(request.user, include_archived=True)
    current = [h for h in habits if h.state != Habit.State.ARCHIVED]
    context = {
        "summaries": selectors.habit_summaries(request.user, today, habits=current),
        "archived": [h for h in habits if h.state == Habit.State.ARCHIVED],
        "defaults": selectors.defaults_not_enabled(request.user, habits),
        "today": today,
    }
    # "Paused since" and "archived" dates in the school's zone, as the habit days are.
    with timezone.override(request.enrollment.school.timezone):
        return render(request, "habits/habits.html", context)


@require_POST
@student_required
def habit_enable(request):
    """Add the ticked default habits (one form of checkboxes), or the one a button names."""
    try:
        habits = services.enable_default_habits(
            student=request.user, kinds=request.POST.getlist("kind")
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        names = ", ".join(f"“{habit.name}”" for habit in habits)
        are = "is" if len(habits) == 1 else "are"
        messages.success(request, f"{names} {are} on your list. One tap logs each.")
    return redirect("habits")


@student_required
def habit_new(request):
    form = HabitForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            habit = services.create_habit(
                student=request.user,
                name=form.cleaned_data["name"],
                per_week=form.cleaned_data["target_per_week"],
                target_hours=form.cleaned_data["target_hours"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"“{habit.name}” is on your list.")
            return redirect("habits")
    return render(request, "habits/habit_form.html", {"form": form})


@student_required
def habit_edit(request, habit_id: int):
    habit = _own(request, habit_id)
    form = HabitForm(request.POST or None, instance=habit)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_habit(
                student=request.user,
                habit_id=habit.pk,
                name=form.cleaned_data["name"],
                per_week=form.cleaned_data["target_per_week"],
                target_hours=form.cleaned_data["target_hours"],
                remind_at=form.cleaned_data["remind_at"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Saved.")
            return redirect("habits")
    habit.refresh_from_db()
    return render(request, "habits/habit_form.html", {"form": form, "habit": habit})


@require_POST
@student_required
def habit_pause(request, habit_id: int):
    try:
        habit = services.pause_habit(student=request.user, habit_id=habit_id)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, f"“{habit.name}” is paused. Its history is kept; resume it whenever you like."
        )
    return redirect("habits")


@require_POST
@student_required
def habit_resume(request, habit_id: int):
    try:
        habit = services.resume_habit(student=request.user, habit_id=habit_id)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"“{habit.name}” is back on your list.")
    return redirect("habits")


@student_required
def habit_archive(request, habit_id: int):
    """GET asks for confirmation; POST archives."""
    habit = _own(request, habit_id)
    if request.method == "POST":
        services.archive_habit(student=request.user, habit_id=habit.pk)
        messages.success(request, f"“{habit.name}” is archived. Its history is kept.")
        return redirect("habits")
    return render(request, "habits/habit_archive.html", {"habit": habit})


@require_POST
@student_required
def habit_log(request, habit_id: int):
    """One tap: mark a day done (`done=1`) or not (`done=0`), today unless `day` is given.

    htmx gets the habit's card (or, from the check-in page, its toggle) back to swap in;
    without JavaScript the browser is sent back where it came from.
    """
    habit = _own(request, habit_id)
    from_checkin = request.POST.get("from") == "checkin"
    error_text = None
    try:
        day = _parse_day(request.POST.get("day"))
        if request.POST.get("done") == "not_today":
            services.skip_habit_day(student=request.user, habit_id=habit.pk, day=day)
        elif request.POST.get("done", "1") == "0":
            today = request.enrollment.school.today()
            services.unlog_habit(student=request.user, habit_id=habit.pk, day=day or today)
        else:
            services.log_habit(
                student=request.user, habit_id=habit.pk, day=day, hours=request.POST.get("hours")
            )
    except ValidationError as error:
        error_text = " ".join(error.messages)
    if _is_htmx(request):
        return _swap(request, habit, from_checkin=from_checkin, error=error_text)
    if error_text:
        messages.error(request, f"Not saved: {error_text}")
    if from_checkin:
        return redirect("checkin")
    return redirect(f"{reverse('habits')}#habit-{habit.pk}")


def _parse_day(raw: str | None) -> date | None:
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise ValidationError({"day": "Pick a day from the row."}) from None


def _swap(request, habit: Habit, *, from_checkin: bool, error: str | None):
    # An error is still a 200 so htmx swaps the message in next to the button.
    if from_checkin:
        today = request.enrollment.school.today()
        done = habit.logs.filter(day=today, not_today=False).exists()
        context = {"habit": habit, "done": done, "error": error}
        return render(request, "habits/_checkin_toggle.html", context)
    summary = selectors.summary_of(request.user, habit)
    return render(request, "habits/_habit.html", {"summary": summary, "error": error})
