"""The fixed tracks of the curriculum and the check-in signals lessons may be suggested by.

Pure Python: the content files name these slugs, and a test refuses any file that names
something else, so a typo cannot hide a lesson from its track or its suggestion.
"""

TRACKS: dict[str, str] = {
    "sleep-on-call": "Sleep on call",
    "eating-on-rotations": "Eating well on rotations",
    "moving-in-ten-minutes": "Moving in ten minutes",
    "mindfulness-basics": "Mindfulness basics",
    "exam-anxiety": "Exam anxiety and perfectionism",
    "loneliness-connection": "Loneliness and connection",
    "asking-for-help": "Asking for help (and how counselling works at your school)",
    "boundaries-rest": "Boundaries and rest",
}

# Why a lesson is suggested, in words a student reads next to it: kind, never alarming.
SIGNALS: dict[str, str] = {
    "sleep_short": "Your check-ins show short sleep lately.",
    "sleep_poor": "Your check-ins show sleep that has not felt restful lately.",
    "stress_high": "Your check-ins show a lot of stress lately.",
    "mood_low": "Your check-ins show your mood has been low lately.",
    "lonely": "You have been feeling lonely lately, as many students do.",
    "purpose_low": "Your check-ins show your sense of purpose has dipped lately.",
    "moved_rarely": "Your check-ins show little time to move lately.",
    "ate_poorly": "Your check-ins show eating well has been hard lately.",
    "rested_rarely": "Your check-ins show little time to rest lately.",
    "anxiety": "A recent screening suggested worry has been weighing on you.",
    "depression_screen": "A recent screening suggested low mood has been weighing on you.",
    "burnout": "A recent screening suggested you are feeling worn out.",
}

MIN_MINUTES = 3
MAX_MINUTES = 7


def track_title(slug: str) -> str:
    return TRACKS[slug]
