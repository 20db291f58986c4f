from django.apps import AppConfig


class CirclesConfig(AppConfig):
    name = "circles"
    verbose_name = "Peer circles"

    def ready(self) -> None:
        from .personal_data import register_datasets

        register_datasets()
