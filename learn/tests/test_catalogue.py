import pytest

from learn.catalogue import (
    DEFAULT_LESSONS_DIR,
    LessonFileError,
    load_catalogue,
    parse_lesson,
    shipped_catalogue,
)
from learn.tracks import SIGNALS, TRACKS

from .conftest import FIXTURE_LESSONS

GOOD = """---
title: A title
track: boundaries-rest
minutes: 5
topic: rest
summary: One sentence.
suggest_when: [stress_high]
sources:
  - "Author A. Title. Journal. 2020;1:1-2."
---
## Heading
Body.
"""


def test_the_fixture_lessons_load_without_errors():
    catalogue = shipped_catalogue()
    assert catalogue.errors == ()
    assert [lesson.slug for lesson in catalogue.lessons] == ["naps-on-nights", "one-message"]
    naps = catalogue.by_slug()["naps-on-nights"]
    assert (naps.track, naps.minutes, naps.suggest_when) == (
        "sleep-on-call", 4, ("sleep_short", "sleep_poor"),
    )  # fmt: skip
    assert "<table>" in naps.html


def test_script_in_a_lesson_file_is_rendered_harmless():
    html = shipped_catalogue().by_slug()["one-message"].html
    assert "<script" not in html and 'href="javascript' not in html


def test_a_good_file_parses():
    lesson = parse_lesson("a-lesson", GOOD)
    assert lesson.title == "A title" and lesson.sources == (
        "Author A. Title. Journal. 2020;1:1-2.",
    )
    assert lesson.body.startswith("## Heading")


@pytest.mark.parametrize(
    ("slug", "text", "message"),
    [
        ("a", GOOD.replace("track: boundaries-rest", "track: naps"), "unknown track"),
        ("a", GOOD.replace("minutes: 5", "minutes: 9"), "'minutes' must be 3 to 7"),
        ("a", GOOD.replace("minutes: 5", "minutes: five"), "whole number"),
        ("a", GOOD.replace("[stress_high]", "[tired]"), "unknown signals tired"),
        ("a", GOOD.replace('  - "Author A. Title. Journal. 2020;1:1-2."\n', ""), "sources"),
        ("a", GOOD.replace("title: A title\n", ""), "misses title"),
        ("a", GOOD.replace("## Heading\nBody.\n", ""), "no body"),
        ("a", GOOD.replace("topic: rest", "topic: rest\ncolour: red"), "unknown front matter"),
        ("a", GOOD.removeprefix("---\n"), "must start with"),
        ("a", GOOD.replace("title: A title", "title: [unclosed"), "not valid YAML"),
        ("school", GOOD, "file name"),
        ("school-3", GOOD, "file name"),
        ("Bad_Name", GOOD, "file name"),
    ],
)
def test_a_bad_file_is_refused_with_a_reason(slug, text, message):
    with pytest.raises(LessonFileError, match=message):
        parse_lesson(slug, text)


def test_a_bad_file_is_reported_and_left_out_instead_of_breaking_pages(tmp_path):
    (tmp_path / "good.md").write_text(GOOD)
    (tmp_path / "bad.md").write_text(GOOD.replace("minutes: 5", "minutes: 30"))

    catalogue = load_catalogue(str(tmp_path))

    assert [lesson.slug for lesson in catalogue.lessons] == ["good"]
    assert catalogue.errors == ("bad.md: 'minutes' must be 3 to 7",)


def test_every_shipped_lesson_file_is_complete_and_safe():
    """The content in learn/lessons/: each file must load, name a known track and signals,
    cite at least one source, take 3-7 minutes, and render without any script."""
    catalogue = load_catalogue(str(DEFAULT_LESSONS_DIR))
    files = sorted(DEFAULT_LESSONS_DIR.glob("*.md"))
    assert catalogue.errors == ()
    assert len(files) >= 8, "the curriculum ships at least 8 lessons"
    assert len(catalogue.lessons) == len(files)
    for lesson in catalogue.lessons:
        assert lesson.track in TRACKS and 3 <= lesson.minutes <= 7
        assert lesson.sources and set(lesson.suggest_when) <= set(SIGNALS)
        assert "<script" not in lesson.html.lower() and "javascript:" not in lesson.html.lower()


def test_fixtures_are_not_the_shipped_directory():
    assert FIXTURE_LESSONS != DEFAULT_LESSONS_DIR
