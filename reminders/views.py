import json

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accounts.decorators import student_required
from habits import selectors as habit_selectors
from lib.forms import add_service_errors

from . import services
from .forms import PrefsForm
from .models import PushSubscription
from .vapid import application_server_key

MAX_BODY_BYTES = 4096


@student_required
def reminder_settings(request):
    prefs = services.prefs_of(request.user)
    form = PrefsForm(request.POST or None, instance=prefs)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_prefs(student=request.user, values=form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Reminder settings saved.")
            return redirect("reminder_settings")
    context = {
        "form": form,
        "devices": PushSubscription.objects.filter(student=request.user).count(),
        "habit_reminders": habit_selectors.habits_with_reminders(request.user),
        "application_server_key": application_server_key(),
    }
    return render(request, "reminders/settings.html", context)


def _json_body(request) -> dict:
    if len(request.body) > MAX_BODY_BYTES:
        raise ValidationError("The subscription is too large.")
    try:
        body = json.loads(request.body or b"{}")
    except (UnicodeDecodeError, ValueError):
        raise ValidationError("Send the subscription as JSON.") from None
    if not isinstance(body, dict):
        raise ValidationError("Send the subscription as a JSON object.")
    return body


@require_POST
@student_required
def push_subscribe(request):
    """The browser's PushSubscription.toJSON(), posted by static/pwa/reminders.js."""
    try:
        body = _json_body(request)
        keys = body.get("keys") if isinstance(body.get("keys"), dict) else {}
        values = [body.get("endpoint"), keys.get("p256dh"), keys.get("auth")]
        if not all(isinstance(value, str) and value for value in values):
            raise ValidationError("A subscription needs an endpoint and its p256dh and auth keys.")
        endpoint, p256dh, auth = values
        services.subscribe(student=request.user, endpoint=endpoint, p256dh=p256dh, auth=auth)
    except ValidationError as error:
        return JsonResponse({"detail": " ".join(error.messages)}, status=400)
    return JsonResponse({"detail": "Notifications are on for this device."}, status=201)


@require_POST
@student_required
def push_unsubscribe(request):
    """From this device (its endpoint, as JSON) or, from the form, every device."""
    if request.content_type == "application/json":
        try:
            endpoint = _json_body(request).get("endpoint")
        except ValidationError as error:
            return JsonResponse({"detail": " ".join(error.messages)}, status=400)
        if not isinstance(endpoint, str):
            return JsonResponse({"detail": "Name the endpoint to forget."}, status=400)
        services.unsubscribe(student=request.user, endpoint=endpoint)
        return JsonResponse({"detail": "Notifications are off for this device."})
    count = services.unsubscribe(student=request.user)
    messages.success(request, f"Notifications are off on {count} device(s).")
    return redirect("reminder_settings")


@require_POST
@student_required
def push_test(request):
    if services.send_test(student=request.user) == "push":
        messages.success(request, "Sent: it should show on your devices in a moment.")
    else:
        messages.error(request, "No device took it: turn notifications on on this device first.")
    return redirect("reminder_settings")
