from django.apps import AppConfig


class LearnConfig(AppConfig):
    name = "learn"
    verbose_name = "Learn"

    def ready(self) -> None:
        from .personal_data import register_datasets

        register_datasets()
