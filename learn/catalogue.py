"""The shipped lessons: Markdown files with YAML front matter in `learn/lessons/`.

The files are the source of truth. They are read and validated once per directory (then
cached); a file that does not validate is left out of the pages and reported by
`shipped_catalogue().errors`, which a test asserts is empty — so a bad file fails the build,
never a student's page.
"""

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml
from django.conf import settings
from django.utils.safestring import SafeString

from .rendering import render_markdown
from .tracks import MAX_MINUTES, MIN_MINUTES, SIGNALS, TRACKS

DEFAULT_LESSONS_DIR = Path(__file__).resolve().parent / "lessons"
# School lessons are addressed as "school-<id>", and "school/" is the staff area.
SLUG = re.compile(r"^(?!school(-|$))[a-z0-9]+(-[a-z0-9]+)*$")
REQUIRED = ("title", "track", "minutes", "topic", "summary", "sources")
MAX_TITLE = 120
MAX_SUMMARY = 300


@dataclass(frozen=True)
class ShippedLesson:
    slug: str
    title: str
    track: str
    minutes: int
    topic: str
    summary: str
    suggest_when: tuple[str, ...]
    sources: tuple[str, ...]
    body: str
    html: SafeString = field(repr=False)


@dataclass(frozen=True)
class Catalogue:
    lessons: tuple[ShippedLesson, ...]
    errors: tuple[str, ...]

    def by_slug(self) -> dict[str, ShippedLesson]:
        return {lesson.slug: lesson for lesson in self.lessons}


class LessonFileError(ValueError):
    pass


def lessons_dir() -> Path:
    """A setting so tests (and a school that forks the content) can point elsewhere."""
    return Path(getattr(settings, "LEARN_LESSONS_DIR", DEFAULT_LESSONS_DIR))


def split_front_matter(text: str) -> tuple[dict, str]:
    lines = text.lstrip("\ufeff").splitlines()
    if not lines or lines[0].strip() != "---":
        raise LessonFileError("must start with a '---' line opening the front matter")
    try:
        end = next(i for i, line in enumerate(lines[1:], 1) if line.strip() == "---")
    except StopIteration:
        raise LessonFileError("front matter has no closing '---' line") from None
    try:
        meta = yaml.safe_load("\n".join(lines[1:end])) or {}
    except yaml.YAMLError as error:
        raise LessonFileError(f"front matter is not valid YAML: {error}") from None
    if not isinstance(meta, dict):
        raise LessonFileError("front matter must be a mapping of fields")
    return meta, "\n".join(lines[end + 1 :]).strip() + "\n"


def _text(meta: dict, name: str, limit: int) -> str:
    value = meta.get(name)
    if not isinstance(value, str) or not value.strip():
        raise LessonFileError(f"{name!r} must be non-empty text")
    if len(value) > limit:
        raise LessonFileError(f"{name!r} is longer than {limit} characters")
    return value.strip()


def parse_lesson(slug: str, text: str) -> ShippedLesson:
    if not SLUG.match(slug):
        raise LessonFileError("file name must be a lowercase slug (not starting with 'school')")
    meta, body = split_front_matter(text)
    missing = [name for name in REQUIRED if name not in meta]
    if missing:
        raise LessonFileError(f"front matter misses {', '.join(missing)}")
    unknown = set(meta) - set(REQUIRED) - {"suggest_when"}
    if unknown:
        raise LessonFileError(f"unknown front matter fields: {', '.join(sorted(unknown))}")
    track = meta["track"]
    if track not in TRACKS:
        raise LessonFileError(f"unknown track {track!r}; tracks are {', '.join(TRACKS)}")
    minutes = meta["minutes"]
    if isinstance(minutes, bool) or not isinstance(minutes, int):
        raise LessonFileError("'minutes' must be a whole number")
    if not MIN_MINUTES <= minutes <= MAX_MINUTES:
        raise LessonFileError(f"'minutes' must be {MIN_MINUTES} to {MAX_MINUTES}")
    suggest_when = meta.get("suggest_when") or []
    if not isinstance(suggest_when, list) or not all(isinstance(s, str) for s in suggest_when):
        raise LessonFileError("'suggest_when' must be a list of signal names")
    unknown_signals = sorted(set(suggest_when) - set(SIGNALS))
    if unknown_signals:
        raise LessonFileError(f"unknown signals {', '.join(unknown_signals)}")
    sources = meta["sources"]
    if (
        not isinstance(sources, list)
        or not sources
        or not all(isinstance(s, str) and s.strip() for s in sources)
    ):
        raise LessonFileError("'sources' must list at least one citation")
    if not body.strip():
        raise LessonFileError("the lesson has no body")
    return ShippedLesson(
        slug=slug,
        title=_text(meta, "title", MAX_TITLE),
        track=track,
        minutes=minutes,
        topic=_text(meta, "topic", 60),
        summary=_text(meta, "summary", MAX_SUMMARY),
        suggest_when=tuple(suggest_when),
        sources=tuple(s.strip() for s in sources),
        body=body,
        html=render_markdown(body),
    )


@lru_cache(maxsize=8)
def load_catalogue(directory: str) -> Catalogue:
    lessons, errors = [], []
    for path in sorted(Path(directory).glob("*.md")):
        try:
            lessons.append(parse_lesson(path.stem, path.read_text(encoding="utf-8")))
        except (LessonFileError, UnicodeDecodeError) as error:
            errors.append(f"{path.name}: {error}")
    return Catalogue(tuple(lessons), tuple(errors))


def shipped_catalogue() -> Catalogue:
    return load_catalogue(str(lessons_dir()))


def shipped_lessons() -> tuple[ShippedLesson, ...]:
    return shipped_catalogue().lessons
