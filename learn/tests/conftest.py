from pathlib import Path

import pytest

FIXTURE_LESSONS = Path(__file__).resolve().parent / "lessons"


@pytest.fixture(autouse=True)
def fixture_lessons(settings):
    """Tests read two small fixture lessons, not the shipped content (tested on its own)."""
    settings.LEARN_LESSONS_DIR = FIXTURE_LESSONS
