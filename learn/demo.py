"""Demo data for learn (filled in by seed_demo)."""

from schools.demo import DemoSchool


def generate_demo_lessons(demo: DemoSchool) -> None:
    """Stub: filled in when the app lands."""
