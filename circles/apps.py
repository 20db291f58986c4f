from django.apps import AppConfig


class CirclesConfig(AppConfig):
    name = "circles"
    verbose_name = "Peer circles"

    def ready(self) -> None:
        from cohorts.publishing import register_week_publisher

        from .personal_data import register_datasets
        from .publishing import publish_circles

        register_datasets()
        register_week_publisher(publish_circles)
