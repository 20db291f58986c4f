from django.apps import AppConfig


class CheckinsConfig(AppConfig):
    name = "checkins"
    verbose_name = "Check-ins and screenings"

    def ready(self) -> None:
        from .personal_data import register_datasets

        register_datasets()
