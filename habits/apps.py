from django.apps import AppConfig


class HabitsConfig(AppConfig):
    name = "habits"
    verbose_name = "Self-care habits"

    def ready(self) -> None:
        from .personal_data import register_datasets

        register_datasets()
