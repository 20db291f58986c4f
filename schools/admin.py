"""Operators manage schools, cohorts, invite codes and the rotation catalogue here.

Only non-personal models are registered: no users, enrollments, placements or anything a
student records. Staff accounts are created with `manage.py add_staff`.
"""

from django.contrib import admin

from .models import Cohort, InviteCode, Rotation, School


class CohortInline(admin.TabularInline):
    model = Cohort
    extra = 0


@admin.register(School)
class SchoolAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "timezone", "min_cell_size"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [CohortInline]


@admin.register(Cohort)
class CohortAdmin(admin.ModelAdmin):
    list_display = ["__str__", "school"]
    list_filter = ["school"]


@admin.register(InviteCode)
class InviteCodeAdmin(admin.ModelAdmin):
    list_display = ["code", "cohort", "expires_at", "uses", "max_uses"]
    list_filter = ["cohort__school"]
    readonly_fields = ["uses"]


@admin.register(Rotation)
class RotationAdmin(admin.ModelAdmin):
    list_display = ["name", "school", "phase", "group", "position"]
    list_editable = ["position"]
    list_filter = ["school"]
