from django.apps import AppConfig


class CohortsConfig(AppConfig):
    name = "cohorts"

    def ready(self):
        from . import answers  # noqa: F401  (connects its receivers)
