"""The installable web app: its manifest, its service worker and the page it shows offline.

The service worker is a template (not a static file) for two reasons: it must be served from
the site root so its scope is the whole site, and it precaches the static files under the
hashed names `collectstatic` gives them. Nothing it caches is personal: the offline page and
the help page are fetched without cookies, so what is stored is what anyone would see.
"""

import hashlib
import json

from django.http import HttpResponse
from django.shortcuts import render
from django.template import loader
from django.templatetags.static import static
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_GET

from support.selectors import crisis_resources_for

THEME_COLOR = "#1f5f8b"
BACKGROUND_COLOR = "#fbfaf7"
# Posts that may wait on the device when there is no signal: a check-in (full or quick; sent
# later to the API for its day, see static/pwa/app.js) and a habit's day.
QUEUEABLE_PATHS = [r"^/checkin/$", r"^/checkin/quick/$", r"^/habits/\d+/log/$"]


def shell_files() -> list[str]:
    """What the service worker stores on install: the offline page, the public help page and
    the static files they need."""
    return [
        reverse("offline"),
        reverse("need_help"),
        static("css/app.css"),
        static("vendor/htmx/htmx.min.js"),
        static("pwa/queue.js"),
        static("pwa/app.js"),
        static("pwa/offline.js"),
        static("icon.svg"),
        static("pwa/icon-192.png"),
    ]


@require_GET
def manifest(request):
    icons = [
        {"src": static(f"pwa/icon-{size}.png"), "sizes": f"{size}x{size}", "type": "image/png"}
        for size in (192, 512)
    ] + [
        {
            "src": static(f"pwa/icon-maskable-{size}.png"),
            "sizes": f"{size}x{size}",
            "type": "image/png",
            "purpose": "maskable",
        }
        for size in (192, 512)
    ]
    body = {
        "id": "/",
        "name": "Well-Rounded",
        "short_name": "Well-Rounded",
        "description": "Check in, keep your habits and protect your rest through medical school.",
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "background_color": BACKGROUND_COLOR,
        "theme_color": THEME_COLOR,
        "icons": icons,
        "shortcuts": [
            {"name": "Check in", "url": reverse("checkin")},
            {"name": "Need help now", "url": reverse("need_help")},
        ],
    }
    response = HttpResponse(json.dumps(body), content_type="application/manifest+json")
    patch_cache_control(response, public=True, max_age=3600)
    return response


@require_GET
def service_worker(request):
    files = shell_files()
    context = {
        "files": json.dumps(files),
        "offline_url": json.dumps(reverse("offline")),
        "help_url": json.dumps(reverse("need_help")),
        "static_prefix": json.dumps(static("")),
        "queueable": json.dumps(QUEUEABLE_PATHS),
        "queue_script": json.dumps(static("pwa/queue.js")),
    }
    source = loader.render_to_string("pwa/sw.js", context)
    # A new list of files (a deployment with new static hashes) is a new worker version.
    version = hashlib.sha256(source.encode()).hexdigest()[:12]
    source = source.replace("__VERSION__", version)
    response = HttpResponse(source, content_type="text/javascript; charset=utf-8")
    # Browsers check for a new worker on navigation; never let a cache hide one.
    patch_cache_control(response, no_cache=True, max_age=0)
    response["Service-Worker-Allowed"] = "/"
    return response


@require_GET
def offline(request):
    """The page shown when a page cannot be reached: the crisis lines (national, so the same
    for everyone) and what is waiting on this device to be sent."""
    response = render(request, "pwa/offline.html", {"crisis": crisis_resources_for(None)})
    patch_cache_control(response, public=True, max_age=0)
    return response
