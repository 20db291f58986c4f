from django.urls import path

from . import views

urlpatterns = [
    path("", views.planner, name="planner"),
    path("blocks/decide/", views.block_decide, name="planner_block_decide"),
    path("blocks/accept-all/", views.accept_all, name="planner_accept_all"),
    path("blocks/move/", views.proposal_move, name="planner_proposal_move"),
    path("blocks/<int:block_id>/move/", views.block_move, name="planner_block_move"),
    path("schedule/", views.schedule, name="planner_schedule"),
    path("schedule/pattern/", views.schedule_template, name="planner_schedule_template"),
    path("schedule/patterns/", views.pattern_add, name="planner_pattern_add"),
    path(
        "schedule/patterns/<int:pattern_id>/delete/",
        views.pattern_delete,
        name="planner_pattern_delete",
    ),
    path("schedule/import/", views.schedule_import, name="planner_schedule_import"),
    path("schedule/<int:event_id>/delete/", views.event_delete, name="planner_event_delete"),
    path("preferences/", views.preferences, name="planner_preferences"),
    path("feed/", views.feed_manage, name="planner_feed_manage"),
    path("feed/<str:token>.ics", views.feed, name="planner_feed"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="planner_unsubscribe"),
]
