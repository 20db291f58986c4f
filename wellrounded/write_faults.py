"""When the server cannot save: a full disk, a read-only data directory or database.

Writes then fail deep inside Django, allauth or our services, and each would otherwise surface
as a bare 500, or worse as something misleading: Django's database cache answers a failed write
with "not stored", which allauth's sign-in limits read as a held lock and answer with 429 Too
Many Requests. Instead, every request runs with an execute wrapper that notes a failed write,
and a request that ends in an error after one (or raises one) is answered 503 with a page that
says so. Reads go on working as long as the database can be read.
"""

import errno
import logging
import sqlite3
import sys

import psycopg
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.cache import add_never_cache_headers

logger = logging.getLogger(__name__)

CANNOT_SAVE = "The server cannot save right now. Nothing was saved; please try again later."
SQLITE_MESSAGES = ("database or disk is full", "attempt to write a readonly database")
PG_ERRORS = (psycopg.errors.DiskFull, psycopg.errors.ReadOnlySqlTransaction)
# EACCES: a data directory or file this process may read but not write.
OS_ERRNOS = {errno.ENOSPC, errno.EROFS, errno.EDQUOT, errno.EACCES}


def is_write_fault(error: BaseException | None) -> bool:
    """Whether `error`, or what caused it, says the storage refuses writes."""
    seen = 0
    while error is not None and seen < 5:
        if isinstance(error, PG_ERRORS):
            return True
        if isinstance(error, (DatabaseError, sqlite3.DatabaseError)) and any(
            text in str(error) for text in SQLITE_MESSAGES
        ):
            return True
        if isinstance(error, OSError) and error.errno in OS_ERRNOS:
            return True
        error, seen = error.__cause__ or error.__context__, seen + 1
    return False


def cannot_save_response(request: HttpRequest) -> HttpResponse:
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": CANNOT_SAVE}, status=503)
    else:
        try:
            body = render_to_string("cannot_save.html", request=request)
        except Exception:  # noqa: BLE001 - the database may not even be readable
            body = render_to_string("cannot_save_plain.html")
        response = HttpResponse(body, status=503)
    add_never_cache_headers(response)
    return response


class WriteFaultMiddleware:
    """Answer 503 "cannot save right now" when a write failed because the storage refused it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        faults: list[BaseException] = []

        def note_write_faults(execute, sql, params, many, context):
            try:
                return execute(sql, params, many, context)
            except Exception as error:
                if is_write_fault(error):
                    faults.append(error)
                raise

        with connection.execute_wrapper(note_write_faults):
            response = self.get_response(request)
        # A failed write someone caught (the cache, the sign-in limits) and turned into
        # another error: say what really happened.
        if faults and (response.status_code >= 500 or response.status_code == 429):
            logger.error("Cannot save: %s", faults[0])
            return cannot_save_response(request)
        return response

    def process_exception(self, request, exception):
        if is_write_fault(exception):
            logger.error("Cannot save: %s", exception)
            return cannot_save_response(request)
        return None


def server_error(request: HttpRequest, template_name: str = "500.html") -> HttpResponse:
    """handler500: a write fault raised outside any view (saving the session, say) still gets
    the 503 page; anything else gets the project's 500 page (rendered without the database)."""
    if is_write_fault(sys.exc_info()[1]):
        return cannot_save_response(request)
    from .views import server_error as page

    return page(request)
