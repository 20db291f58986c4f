from django.apps import AppConfig


class SupportConfig(AppConfig):
    name = "support"
    verbose_name = "Support"

    def ready(self) -> None:
        from cohorts.publishing import register_week_publisher

        from .circle_publishing import publish_circles
        from .personal_data import register_datasets

        register_datasets()
        register_week_publisher(publish_circles)
