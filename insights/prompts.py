"""Prompts of the day for the journal: optional, gentle, one a day for everyone."""

from datetime import date

PROMPTS = (
    "What is one thing that went better today than you expected?",
    "Who helped you this week, and how?",
    "What drained you today, and what gave you energy back?",
    "What would you tell a friend who had the day you had?",
    "What did a patient teach you recently?",
    "What is one small thing you can let go of tonight?",
    "When did you feel most like yourself this week?",
    "What are you looking forward to, however small?",
    "What did you do today that you are quietly proud of?",
    "What do you need more of next week, and what less?",
    "Which moment today would you like to remember?",
    "What is worrying you, and which part of it is in your hands?",
)


def prompt_of_the_day(day: date) -> str:
    """The same prompt all day for everyone, cycling through the list by date."""
    return PROMPTS[day.toordinal() % len(PROMPTS)]
