"""Calendar imports through the task queue: a calendar link (the remote server may take its
time) or a large file (its parse may take longer than a request should). The student sees
"Importing…" and then the outcome on their schedule page."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from checkins.services import enrollment_for

from . import ics, services
from .models import CalendarImport

# Files up to this size are imported within the request (under ics.PARSE_SECONDS); larger
# ones, and every link, by the worker.
INLINE_BYTES = 100_000
# The worker holds no web request, so a calendar may take longer to read there; it is still
# bounded, so one file cannot occupy the worker either.
WORKER_PARSE_SECONDS = 20.0


def queue_calendar_import(*, student, data: bytes = b"", url: str = "") -> CalendarImport:
    """Record the import and hand it to the worker once that record is committed."""
    from .tasks import run_calendar_import  # the task module imports this one

    enrollment_for(student)
    if url:
        ics.check_calendar_url(url)
    with transaction.atomic():
        CalendarImport.objects.filter(student=student).exclude(
            state=CalendarImport.State.QUEUED
        ).delete()  # only the latest outcome is shown
        job = CalendarImport.objects.create(student=student, data=data, url=url)
        transaction.on_commit(lambda: run_calendar_import.enqueue(job.pk))
    return job


def run_calendar_import(*, import_id: int) -> str | None:
    """Fetch (for a link) and import; keep the outcome, forget the file and the link."""
    job = (
        CalendarImport.objects.select_related("student")
        .filter(pk=import_id, state=CalendarImport.State.QUEUED)
        .first()
    )
    if job is None:
        return None
    try:
        data = ics.fetch_calendar(job.url) if job.url else bytes(job.data)
        job.result = services.import_calendar(
            student=job.student, data=data, seconds=WORKER_PARSE_SECONDS
        )
        job.state = CalendarImport.State.DONE
    except ics.CalendarError as error:
        job.state, job.message = CalendarImport.State.REFUSED, str(error)
    except ValidationError as error:
        job.state, job.message = CalendarImport.State.REFUSED, " ".join(error.messages)
    job.data, job.url, job.finished_at = b"", "", timezone.now()
    job.save(update_fields=["state", "result", "message", "data", "url", "finished_at"])
    return job.state


def latest_import(student) -> CalendarImport | None:
    return (
        CalendarImport.objects.filter(student=student)
        .defer("data")
        .order_by("-created_at", "-pk")
        .first()
    )
