"""What every circle shows: the community guidelines, the weekly prompt, the time zones."""

import tomllib
from datetime import date
from functools import cache
from pathlib import Path

PROMPTS_FILE = Path(__file__).parent / "data" / "circle_prompts.toml"

GUIDELINES = (
    "Be kind. Everyone here is on a hard road; assume good intent.",
    "What is shared in the circle stays in the circle. Never screenshot or repeat it.",
    "Stay pseudonymous: no real names, emails, phone numbers or photos, yours or anyone's.",
    "No patient details, ever, even without names.",
    "Peers are not counsellors. If someone may not be safe, point them to “Need help now”.",
    "Report a message that breaks these guidelines; block anyone you do not want to hear from.",
)

# Offered in the profile form: enough to place a student within an hour or two of their peers.
TIME_ZONES = (
    ("Pacific/Honolulu", "Hawaii"),
    ("America/Anchorage", "Alaska"),
    ("America/Los_Angeles", "US Pacific"),
    ("America/Denver", "US Mountain"),
    ("America/Phoenix", "Arizona"),
    ("America/Chicago", "US Central"),
    ("America/New_York", "US Eastern"),
    ("America/Puerto_Rico", "Atlantic (Puerto Rico)"),
    ("Europe/London", "UK and Ireland"),
    ("Europe/Berlin", "Central Europe"),
    ("Africa/Lagos", "West Africa"),
    ("Asia/Kolkata", "India"),
    ("Asia/Singapore", "Singapore"),
    ("Australia/Sydney", "Sydney"),
)


@cache
def prompts() -> tuple[str, ...]:
    with PROMPTS_FILE.open("rb") as file:
        return tuple(tomllib.load(file)["prompts"])


def prompt_of_the_week(day: date) -> str:
    """The same prompt all week for every circle, rotating by ISO week."""
    year, week, _ = day.isocalendar()
    return prompts()[(year * 53 + week) % len(prompts())]
