from django.conf import settings
from django.core.checks import Warning, register


@register(deploy=True)
def static_files_collected(app_configs, **kwargs):
    if not getattr(settings, "STATIC_MANIFEST_MISSING", False):
        return []
    return [
        Warning(
            "Static files have not been collected: they are served from the source tree, "
            "without hashed names or long-lived caching.",
            hint="Run `python manage.py collectstatic`, then restart (`make run` does both).",
            id="wellrounded.W001",
        )
    ]
