"""A student's own schedule: the blocks their school imported and those they added."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from accounts.decorators import student_required

from .forms import FlagForm, OwnBlockForm
from .models import Placement
from .placements import add_own_block, flag_block, remove_own_block
from .selectors import placements_of


@student_required
@require_http_methods(["GET", "POST"])
def schedule(request):
    school = request.enrollment.school
    form = OwnBlockForm(request.POST or None, school=school)
    if request.method == "POST" and form.is_valid():
        try:
            block = add_own_block(student=request.user, **form.cleaned_data)
        except ValidationError as error:
            for name, problems in error.message_dict.items():
                form.add_error(name if name in form.fields else None, problems)
        else:
            messages.success(request, f"Your {block.rotation} block is on your schedule.")
            return redirect("rotation_schedule")
    today = school.today()
    context = {
        "placements": placements_of(request.user),
        "today": today,
        "form": form,
        "flag_form": FlagForm(),
    }
    return render(request, "schools/schedule.html", context)


@student_required
@require_POST
def schedule_remove(request, placement_id: int):
    if not remove_own_block(student=request.user, placement_id=placement_id):
        raise Http404("No block of yours to remove.")
    messages.success(request, "The block is off your schedule.")
    return redirect("rotation_schedule")


@student_required
@require_POST
def schedule_flag(request, placement_id: int):
    form = FlagForm(request.POST)
    try:
        placement = flag_block(
            student=request.user,
            placement_id=placement_id,
            reason=form.data.get("reason", ""),
        )
    except Placement.DoesNotExist as error:
        raise Http404("No block of your school's to flag.") from error
    except ValidationError:
        messages.error(request, "Choose what is wrong with the block, then flag it.")
        return redirect("rotation_schedule")
    messages.success(
        request,
        f"Flagged: your school's administrator will see that your {placement.rotation} block "
        "looks wrong to you, and can correct it.",
    )
    return redirect("rotation_schedule")
