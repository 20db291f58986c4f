"""Pages of actions: staff record them, mark them on the figures and compare the weeks around
them; students read what their school published ("You said, we did")."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accounts.decorators import student_required
from schools.models import Cohort, Rotation

from . import actions
from .forms import ActionForm, FigureForm
from .publishing import COHORT_KEY, k_for
from .signals import announce_read
from .views import staff_required


def _action_or_404(request, action_id: int):
    action = actions.action_for_staff(request.user, action_id)
    if action is None:
        raise Http404("No such action in your school.")
    return action


def _only(request, allowed: set[str]) -> None:
    params = request.GET
    if set(params) - allowed or any(len(params.getlist(name)) > 1 for name in params):
        raise Http404("Unknown choice.")


@staff_required
def action_list(request):
    rows = list(actions.actions_for_staff(request.user))
    context = {"rows": rows, "can_write": bool(actions.writable_schools(request.user))}
    return render(request, "cohorts/actions/list.html", context)


def _menus(user):
    schools = actions.writable_schools(user)
    cohorts = list(Cohort.objects.filter(school__in=schools).select_related("school"))
    return schools, cohorts, list(Rotation.objects.order_by("position"))


def _save(request, form, cohorts, rotations, *, action=None):
    data = form.cleaned_data
    chosen = [c for c in cohorts if c.pk in data["cohorts"]]
    fields = {
        "title": data["title"],
        "starts_on": data["starts_on"],
        "cohorts": chosen,
        "rotations": [r for r in rotations if r.pk in data["rotations"]],
        "description": data["description"],
    }
    if action is not None:
        return actions.update_action(by=request.user, action=action, **fields)
    school = chosen[0].school if chosen else actions.writable_schools(request.user)[0]
    return actions.record_action(by=request.user, school=school, **fields)


@staff_required
def action_new(request):
    schools, cohorts, rotations = _menus(request.user)
    if not schools:
        raise PermissionDenied(
            "Only a wellness lead, dean or school administrator can record actions."
        )
    if not cohorts:
        raise Http404("Your school has no cohorts yet.")
    form = ActionForm(request.POST or None, cohorts=cohorts, rotations=rotations)
    if request.method == "POST" and form.is_valid():
        try:
            action = _save(request, form, cohorts, rotations)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Action recorded. Students see it once you publish it.")
            return redirect("school_action", action.pk)
    return render(request, "cohorts/actions/form.html", {"form": form, "action": None})


@staff_required
def action_edit(request, action_id: int):
    action = _action_or_404(request, action_id)
    actions.check_can_write_actions(request.user, action.school)
    _schools, cohorts, rotations = _menus(request.user)
    cohorts = [c for c in cohorts if c.school_id == action.school_id]
    initial = {
        "title": action.title,
        "starts_on": action.starts_on,
        "cohorts": [c.pk for c in action.cohorts.all()],
        "rotations": [r.pk for r in action.rotations.all()],
        "description": action.description,
    }
    form = ActionForm(request.POST or None, initial=initial, cohorts=cohorts, rotations=rotations)
    if request.method == "POST" and form.is_valid():
        try:
            _save(request, form, cohorts, rotations, action=action)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Action saved.")
            return redirect("school_action", action.pk)
    return render(request, "cohorts/actions/form.html", {"form": form, "action": action})


@staff_required
def action_detail(request, action_id: int):
    action = _action_or_404(request, action_id)
    context = {
        "action": action,
        "figures": actions.figures_of(action),
        "can_write": actions.can_write_actions(request.user, action.school),
    }
    response = render(request, "cohorts/actions/detail.html", context)
    if context["figures"]:
        announce_read(request, kind="staff_dashboard_viewed", school_id=action.school_id)
    return response


@require_POST
@staff_required
def action_publish(request, action_id: int):
    action = _action_or_404(request, action_id)
    publish = request.POST.get("publish") == "1"
    actions.set_published(by=request.user, action=action, published=publish)
    if publish:
        messages.success(
            request, "Published: students of its cohorts see it under “You said, we did”."
        )
    else:
        messages.success(request, "Withdrawn: students no longer see it.")
    return redirect("school_action", action.pk)


@staff_required
def action_figures(request, action_id: int):
    """Choose a published figure to attach: only visible cells of the action's cohorts."""
    action = _action_or_404(request, action_id)
    actions.check_can_write_actions(request.user, action.school)
    _only(request, {"measure"})
    by_key = {m.key: m for m in actions.ACTION_MEASURES}
    entry = by_key.get(request.GET.get("measure", actions.ACTION_MEASURES[0].key))
    if entry is None:
        raise Http404("Not one of the measures on the list.")
    figures = actions.attachable_figures(action, measure_key=entry.key)
    form = FigureForm(request.POST or None, figures=figures)
    if request.method == "POST":
        try:
            actions.attach_figure(by=request.user, action=action, ref=request.POST.get("figure"))
        except ValidationError as error:
            form.add_error("figure", error.message_dict.get("figure", error.messages))
        else:
            messages.success(request, "Figure attached.")
            return redirect("school_action", action.pk)
    context = {
        "action": action,
        "form": form,
        "measure": entry,
        "measures": actions.ACTION_MEASURES,
        "figures": figures,
        "weeks": actions.ATTACH_WEEKS,
    }
    response = render(request, "cohorts/actions/figures.html", context)
    announce_read(request, kind="staff_dashboard_viewed", school_id=action.school_id)
    return response


@require_POST
@staff_required
def action_figure_remove(request, action_id: int, figure_id: int):
    action = _action_or_404(request, action_id)
    actions.remove_figure(by=request.user, action=action, figure_id=figure_id)
    messages.success(request, "Figure removed.")
    return redirect("school_action", action.pk)


@staff_required
def action_report(request, action_id: int):
    """The published weeks before the action against those after it, for one of its groups."""
    action = _action_or_404(request, action_id)
    _only(request, {"measure", "cohort", "group", "weeks"})
    cohorts = {str(c.pk): c for c in action.cohorts.all()}
    if not cohorts:
        raise Http404("This action concerns no cohort.")
    groups = [(COHORT_KEY, "Whole cohort")] + [(r.slug, r.name) for r in action.rotations.all()]
    measures = {m.key: m for m in actions.ACTION_MEASURES}
    attached = actions.figures_of(action)
    default_measure = attached[0][1].measure.key if attached else actions.ACTION_MEASURES[0].key
    params = request.GET
    try:
        cohort = cohorts[params.get("cohort", next(iter(cohorts)))]
        entry = measures[params.get("measure", default_measure)]
        group = params.get("group", groups[-1][0])
        if group not in dict(groups):
            raise KeyError(group)
        weeks = {str(w): w for w in actions.PERIOD_CHOICES}[
            params.get("weeks", str(actions.DEFAULT_PERIOD))
        ]
    except KeyError:
        raise Http404("Not one of the choices on the page.") from None
    report = actions.action_report(
        action, cohort=cohort, group=group, measure_key=entry.key, weeks=weeks
    )
    context = {
        "action": action,
        "report": report,
        "cohorts": list(cohorts.values()),
        "groups": groups,
        "measures": actions.ACTION_MEASURES,
        "period_choices": actions.PERIOD_CHOICES,
        "surveys": actions.surveys_around(action),
    }
    response = render(request, "cohorts/actions/report.html", context)
    announce_read(request, kind="staff_dashboard_viewed", school_id=action.school_id)
    return response


@student_required
def you_said_we_did(request):
    """What the student's school published for their cohort, with the figures behind it."""
    rows = [
        (action, actions.figures_of(action))
        for action in actions.published_actions_for(request.enrollment)
    ]
    k = k_for(request.enrollment.school)
    return render(request, "cohorts/you_said_we_did.html", {"rows": rows, "k": k})
