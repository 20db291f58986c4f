from django.apps import AppConfig


class WellRoundedConfig(AppConfig):
    name = "wellrounded"
    verbose_name = "Well-Rounded"

    def ready(self):
        from django.db.backends.signals import connection_created

        from .sqlite_files import make_private

        connection_created.connect(make_private, dispatch_uid="sqlite-files-private")

        # The project package may import every app: it wires cohorts' announcements of what
        # staff read to the audit trail, which cohorts itself may not reach.
        from cohorts.signals import aggregates_read, staff_changed
        from vault.audit import record_event, record_read

        from . import checks  # noqa: F401 - registers the system checks

        def audit_aggregates_read(sender, *, kind, actor_id, school_id, repeat_of=None, **kwargs):
            record_read(kind, actor_id=actor_id, school_id=school_id, repeat_of=repeat_of)

        def audit_staff_change(sender, *, kind, actor_id, school_id, **kwargs):
            record_event(kind, actor_id=actor_id, school_id=school_id)

        aggregates_read.connect(audit_aggregates_read, weak=False, dispatch_uid="audit-reads")
        staff_changed.connect(audit_staff_change, weak=False, dispatch_uid="audit-changes")

        # Every app's admin module has been imported by now (the admin app autodiscovers in
        # its own ready(), which runs first): take out what the operator may not see.
        from django.contrib import admin

        from .admin import unregister_models_not_for_operators

        unregister_models_not_for_operators(admin.site)
