from datetime import date, datetime, timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from accounts.decorators import student_required
from lib.dates import week_of
from lib.forms import add_service_errors
from reminders.selectors import quiet_hours_of

from . import ics, imports, reminders, selectors, services
from .forms import EventForm, ImportForm, MoveForm, PatternForm, PrefsForm, TemplateForm
from .selectors import BLOCK_LABELS

MAX_UPLOAD = ics.MAX_BYTES
HORIZON = timedelta(days=ics.HORIZON_DAYS)


def _first_day(request) -> date:
    """The first of the seven days shown: `?week=` (any day) or, by default, today, so the
    planner always opens on the next seven days and never on a week that is over."""
    raw = request.GET.get("week") or request.POST.get("week")
    try:
        day = date.fromisoformat(raw) if raw else None
    except ValueError:
        day = None
    if day is None or not selectors.plannable(day):
        day = timezone.localdate(timezone=services.zone_of(request.user))
    return day


def _planner_url(week: date) -> str:
    return f"{reverse('planner')}?week={week.isoformat()}"


@student_required
def planner(request):
    """Seven days of proposals, day by day: accept, move or reject each block."""
    first_day = _first_day(request)
    return render(
        request,
        "planner/planner.html",
        {
            "week": selectors.week_view(request.user, first_day),
            "zone": services.zone_of(request.user),
            "previous": first_day.fromordinal(first_day.toordinal() - 7),
            "next": first_day.fromordinal(first_day.toordinal() + 7),
        },
    )


@require_POST
@student_required
def block_decide(request):
    first_day = _first_day(request)
    try:
        proposed_start = datetime.fromisoformat(request.POST.get("start", ""))
        if timezone.is_naive(proposed_start):
            raise ValueError("a block's start carries its offset")
    except ValueError:
        messages.error(request, "That block could not be found: reload the page.")
        return redirect(_planner_url(first_day))
    accept = request.POST.get("action") != "reject"
    kind = request.POST.get("kind", "")
    try:
        services.decide_block(
            student=request.user, kind=kind, proposed_start=proposed_start, accept=accept
        )
    except ValidationError as error:
        note = "Not saved: " + " ".join(error.messages)
        if not _is_htmx(request):
            messages.error(request, note)
    else:
        label = BLOCK_LABELS.get(kind, kind)
        note = f"{label}: {'accepted' if accept else 'rejected'}."
        if not _is_htmx(request):
            messages.success(request, note)
    if _is_htmx(request):
        return _block_in_place(request, first_day, kind, proposed_start, note)
    return redirect(_planner_url(first_day))


def _is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def _block_in_place(request, first_day: date, kind: str, proposed_start: datetime, note: str):
    """The decided block as it now stands, for htmx to swap in where it was tapped."""
    week = selectors.week_view(request.user, first_day)
    block = next(
        (
            b
            for day in week.days
            for b in day.blocks
            if b.kind == kind and b.proposed_start == proposed_start
        ),
        None,
    )
    if block is None:
        # Gone from the proposal (the schedule changed): the page has to be reloaded.
        response = HttpResponse(status=204)
        response["HX-Redirect"] = _planner_url(first_day)
        return response
    context = {"b": block, "week": week, "zone": services.zone_of(request.user), "note": note}
    return render(request, "planner/_block.html", context)


@require_POST
@student_required
def accept_all(request):
    first_day = _first_day(request)
    count = services.accept_all(student=request.user, first_day=first_day)
    messages.success(request, f"Accepted {count} block(s). They are in your calendar feed.")
    return redirect(_planner_url(first_day))


@student_required
def block_move(request, block_id: int):
    """Move an accepted block. With htmx the form opens in the block's place and the moved
    block replaces it (no reload, no jump to the top); without, it is a page of its own."""
    block = selectors.block_of(request.user, block_id)
    if block is None:
        raise Http404("No such block.")
    zone = services.zone_of(request.user)
    first_day = _first_day(request)
    local_start = block.starts_at.astimezone(zone).replace(tzinfo=None)
    form = MoveForm(
        request.POST or None, initial={"starts_at": local_start}, auto_id=f"id_move{block.pk}_%s"
    )
    if _is_htmx(request) and request.GET.get("cancel"):
        return _block_in_place(request, first_day, block.kind, block.proposed_start, "")
    if request.method == "POST" and form.is_valid():
        starts_at = form.cleaned_data["starts_at"].replace(tzinfo=zone)
        try:
            services.move_block(student=request.user, block_id=block.pk, starts_at=starts_at)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            note = f"Moved to {starts_at:%a %d %b %H:%M}."
            if _is_htmx(request):
                return _block_in_place(request, first_day, block.kind, block.proposed_start, note)
            messages.success(request, note)
            return redirect(_planner_url(_first_day_showing(request, starts_at.date())))
    move_url = reverse("planner_block_move", args=[block.pk]) + f"?week={first_day.isoformat()}"
    return _move_form(
        request, form, block.kind, block.proposed_start, block.starts_at, block.ends_at, move_url
    )


def _move_form(request, form, kind, proposed_start, start, end, move_url, state="accepted"):
    """The move form: in the block's place for htmx, else on a page of its own."""
    zone = services.zone_of(request.user)
    context = {
        "form": form,
        "label": BLOCK_LABELS.get(kind, kind),
        "first_day": _first_day(request),
        "start": start.astimezone(zone),
        "end": end.astimezone(zone),
        "zone": zone,
        "state": state,
        "move_url": move_url,
        "li_id": f"block-{kind}-{int(proposed_start.timestamp())}",
    }
    if _is_htmx(request):
        return render(request, "planner/_block_move.html", context)
    return render(request, "planner/block_move.html", context)


@student_required
def proposal_move(request):
    """Move a block not accepted yet: it is accepted at the new start, in place like
    block_move (a refused move keeps nothing)."""
    first_day = _first_day(request)
    kind = request.GET.get("kind", "")
    try:
        proposed_start = datetime.fromisoformat(request.GET.get("start", ""))
        if timezone.is_naive(proposed_start):
            raise ValueError("a block's start carries its offset")
    except ValueError:
        proposed_start = None
    week = selectors.week_view(request.user, first_day)
    item = next(
        (
            b
            for day in week.days
            for b in day.blocks
            if b.kind == kind and b.proposed_start == proposed_start
        ),
        None,
    )
    if item is None or item.state == "accepted":
        # Gone from the proposal (the schedule changed, or it was accepted meanwhile).
        if _is_htmx(request):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = _planner_url(first_day)
            return response
        messages.error(request, "That block is no longer proposed: here is your plan as it is.")
        return redirect(_planner_url(first_day))
    zone = services.zone_of(request.user)
    form = MoveForm(
        request.POST or None,
        initial={"starts_at": item.start.astimezone(zone).replace(tzinfo=None)},
        auto_id=f"id_move_{kind}_{int(proposed_start.timestamp())}_%s",
    )
    if _is_htmx(request) and request.GET.get("cancel"):
        return _block_in_place(request, first_day, kind, proposed_start, "")
    if request.method == "POST" and form.is_valid():
        starts_at = form.cleaned_data["starts_at"].replace(tzinfo=zone)
        try:
            services.move_proposal(
                student=request.user, kind=kind, proposed_start=proposed_start, starts_at=starts_at
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            note = f"Accepted and moved to {starts_at:%a %d %b %H:%M}."
            if _is_htmx(request):
                return _block_in_place(request, first_day, kind, proposed_start, note)
            messages.success(request, note)
            return redirect(_planner_url(_first_day_showing(request, starts_at.date())))
    return _move_form(
        request,
        form,
        kind,
        proposed_start,
        item.start,
        item.end,
        _proposal_move_url(item, first_day),
        item.state,
    )


def _proposal_move_url(item, first_day: date) -> str:
    query = urlencode(
        {"week": first_day.isoformat(), "kind": item.kind, "start": item.proposed_start.isoformat()}
    )
    return f"{reverse('planner_proposal_move')}?{query}"


def _first_day_showing(request, day: date) -> date:
    """The seven days the student came from if they show `day`, else those starting on it."""
    first_day = _first_day(request)
    return first_day if first_day <= day <= first_day + timedelta(days=6) else day


@student_required
def schedule(request):
    """The student's commitments, and three ways to add more."""
    zone = services.zone_of(request.user)
    events = _upcoming(request, zone)
    event_form = EventForm(request.POST or None, prefix="event")
    if request.method == "POST" and event_form.is_valid():
        data = event_form.cleaned_data
        try:
            added = services.add_event(
                student=request.user,
                kind=data["kind"],
                # The form reads the wall clock the student typed; it is in their zone.
                starts_at=data["starts_at"].replace(tzinfo=zone),
                ends_at=data["ends_at"].replace(tzinfo=zone),
            )
        except ValidationError as error:
            add_service_errors(event_form, error)
        else:
            messages.success(
                request, "Added to your schedule." + _removed_note(added.removed_blocks)
            )
            return redirect("planner_schedule")
    return _schedule_page(request, events, zone, event_form=event_form)


def _schedule_page(request, events, zone, **forms):
    context = {
        "events": [(e, e.starts_at.astimezone(zone), e.ends_at.astimezone(zone)) for e in events],
        "event_form": forms.get("event_form") or EventForm(prefix="event"),
        "template_form": forms.get("template_form")
        or TemplateForm(prefix="pattern", own=services.own_templates(request.user)),
        "pattern_form": forms.get("pattern_form") or PatternForm(prefix="own"),
        "patterns": selectors.patterns_of(request.user),
        "import_form": forms.get("import_form") or ImportForm(prefix="import"),
        "latest_import": imports.latest_import(request.user),
        "zone": zone,
    }
    return render(request, "planner/schedule.html", context)


@require_POST
@student_required
def schedule_template(request):
    form = TemplateForm(request.POST, prefix="pattern", own=services.own_templates(request.user))
    if form.is_valid():
        try:
            result = services.add_template(
                student=request.user,
                template=form.cleaned_data["template"],
                first_day=form.cleaned_data["first_day"],
                last_day=form.cleaned_data["last_day"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                f"Added {result['added']} entries from the pattern: here is your time off "
                "planned around them." + _removed_note(result["removed_blocks"]),
            )
            # On to the days the shifts begin (or today), where the new blocks are: what the
            # student came to see, not the form again (walkthrough, "planner").
            today = timezone.now().astimezone(services.zone_of(request.user)).date()
            return redirect(_planner_url(max(form.cleaned_data["first_day"], today)))
    zone = services.zone_of(request.user)
    return _schedule_page(request, _upcoming(request, zone), zone, template_form=form)


@require_POST
@student_required
def pattern_add(request):
    """Save a shift pattern of the student's own; it joins the list of patterns to apply."""
    form = PatternForm(request.POST, prefix="own")
    if form.is_valid():
        try:
            pattern = services.add_pattern(student=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, f"Saved “{pattern.name}”: choose it under “Add a shift pattern”."
            )
            return redirect("planner_schedule")
    zone = services.zone_of(request.user)
    return _schedule_page(request, _upcoming(request, zone), zone, pattern_form=form)


@require_POST
@student_required
def pattern_delete(request, pattern_id: int):
    services.delete_pattern(student=request.user, pattern_id=pattern_id)
    messages.success(request, "Pattern deleted; the shifts added from it stay in your schedule.")
    return redirect("planner_schedule")


@require_POST
@student_required
def schedule_import(request):
    form = ImportForm(request.POST, request.FILES, prefix="import")
    if form.is_valid():
        upload, url = form.cleaned_data.get("file"), form.cleaned_data.get("url")
        try:
            if upload is not None and upload.size > MAX_UPLOAD:
                raise ValidationError(
                    {"file": "That calendar is larger than 1 MB. Export a shorter range."}
                )
            data = upload.read() if upload is not None else b""
            if upload is None or len(data) > imports.INLINE_BYTES:
                # A link or a large file: the worker imports it; the page shows the outcome.
                return _queue_import(request, data=data, url=url or "")
            try:
                result = services.import_calendar(student=request.user, data=data)
            except ics.TooComplex:
                return _queue_import(request, data=data)  # not read in a request's time
        except ics.CalendarError as error:
            form.add_error("file" if upload is not None else "url", str(error))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                f"Imported: {result['added']} new, {result['updated']} updated, "
                f"{result['removed']} removed. Your proposal below takes them into account."
                + _removed_note(result["removed_blocks"]),
            )
            return redirect("planner")
    zone = services.zone_of(request.user)
    return _schedule_page(request, _upcoming(request, zone), zone, import_form=form)


def _queue_import(request, *, data: bytes = b"", url: str = ""):
    imports.queue_calendar_import(student=request.user, data=data, url=url)
    messages.info(request, "Importing your calendar: the result will appear here in a moment.")
    return redirect("planner_schedule")


def _removed_note(count: int) -> str:
    if not count:
        return ""
    return (
        f" {count} accepted block(s) it overlapped were removed from your protected time: "
        "accept the new proposal for that week."
    )


def _upcoming(request, zone):
    today = timezone.localdate(timezone=zone)
    low = datetime.combine(week_of(today), datetime.min.time(), tzinfo=zone)
    return selectors.events_between(request.user, low, low + HORIZON)


@require_POST
@student_required
def event_delete(request, event_id: int):
    services.delete_event(student=request.user, event_id=event_id)
    messages.success(request, "Removed from your schedule.")
    return redirect("planner_schedule")


@student_required
def preferences(request):
    prefs = services.prefs_of(request.user)
    form = PrefsForm(request.POST or None, instance=prefs)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_prefs(
                student=request.user,
                **{name: form.cleaned_data[name] for name in PrefsForm.Meta.fields},
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Preferences saved.")
            return redirect("planner")
    context = {"form": form, "quiet": quiet_hours_of(request.user)}
    return render(request, "planner/preferences.html", context)


@student_required
def feed_manage(request):
    """Create, rotate or revoke the private calendar feed. The full URL is shown only right
    after it is made: only a hash of the token is kept."""
    prefs = services.prefs_of(request.user)
    feed_url = None
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            services.revoke_feed(student=request.user)
            messages.success(request, "The feed is switched off; its old link no longer works.")
            return redirect("planner_feed_manage")
        token = services.rotate_feed_token(student=request.user)
        feed_url = request.build_absolute_uri(reverse("planner_feed", args=[token]))
        prefs.refresh_from_db()
    context = {"prefs": prefs, "feed_url": feed_url, "zone": services.zone_of(request.user)}
    return render(request, "planner/feed_manage.html", context)


def feed(request, token: str):
    """The feed a calendar app subscribes to: no login, the token is the key."""
    blocks = selectors.feed_blocks_for_token(token)
    if blocks is None:
        raise Http404("No such feed.")
    body = ics.feed_calendar(blocks, BLOCK_LABELS, settings.SITE_URL)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="protected-time.ics"'
    add_never_cache_headers(response)
    return response


@csrf_exempt  # a mail client's one-click POST (RFC 8058) carries no CSRF token; the link is signed
def unsubscribe(request, token: str):
    """GET asks to confirm (mail scanners follow links); POST switches planner emails off."""
    student_id = reminders.student_of_unsubscribe_token(token)
    if request.method == "POST" and student_id is not None:
        services.unsubscribe(student_id=student_id)
        return render(request, "planner/unsubscribe.html", {"done": True})
    return render(request, "planner/unsubscribe.html", {"valid": student_id is not None})
