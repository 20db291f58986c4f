"""Does a circle message, or something a student wrote privately (a check-in note, a journal
entry, a lesson reflection), look like a crisis? A maintained phrase list, read once.

The list lives in `data/crisis_keywords.toml` (with its source and who maintains it), so that
a missed phrase is a one-line, reviewed edit rather than a code change.
"""

import re
import tomllib
from functools import cache
from pathlib import Path

DATA_FILE = Path(__file__).parent / "data" / "crisis_keywords.toml"


def normalise(text: str) -> str:
    """Lower case, no apostrophes, single spaces: "don't", "don’t" and "dont" read the same."""
    text = text.casefold()
    for apostrophe in ("'", "\u2019", "\u2018", "`", "\u00b4"):
        text = text.replace(apostrophe, "")
    return re.sub(r"\s+", " ", text).strip()


@cache
def phrases() -> tuple[str, ...]:
    with DATA_FILE.open("rb") as file:
        return tuple(normalise(p) for p in tomllib.load(file)["phrases"])


@cache
def _pattern() -> re.Pattern[str]:
    # Whole words only, so "studied" never matches "die" and "diet" never matches "die".
    alternatives = "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in phrases())
    return re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])")


def looks_like_crisis(text: str) -> bool:
    return _pattern().search(normalise(text)) is not None
