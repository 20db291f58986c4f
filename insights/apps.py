from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "insights"
    verbose_name = "Insights and journal"

    def ready(self) -> None:
        from .personal_data import register_datasets

        register_datasets()
