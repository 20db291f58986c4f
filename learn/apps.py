from django.apps import AppConfig


class LearnConfig(AppConfig):
    name = "learn"
    verbose_name = "Learn"

    def ready(self) -> None:
        from cohorts.publishing import register_week_publisher

        from .personal_data import register_datasets
        from .publishing import publish_lessons

        register_datasets()
        register_week_publisher(publish_lessons)
