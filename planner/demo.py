"""Demo data for planner (filled in by seed_demo)."""

from schools.demo import DemoSchool


def generate_demo_schedules(demo: DemoSchool) -> None:
    """Stub: filled in when the app lands."""
