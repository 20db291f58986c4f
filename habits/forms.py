from django import forms

from .models import DAILY, Habit

PER_WEEK_CHOICES = [(DAILY, "Every day")] + [
    (n, "Once a week" if n == 1 else f"{n} times a week") for n in range(DAILY - 1, 0, -1)
]


class HabitForm(forms.ModelForm):
    """The HTML face of a habit; the model's validators (run again by the service) are the
    single source of the allowed ranges."""

    target_per_week = forms.TypedChoiceField(
        label="How often?", choices=PER_WEEK_CHOICES, coerce=int, initial=3
    )

    class Meta:
        model = Habit
        fields = ["name", "target_per_week", "target_hours", "remind_at"]
        labels = {
            "name": "Habit",
            "target_hours": "Hours to aim for (optional)",
            "remind_at": "Remind me at (optional)",
        }
        help_texts = {
            "name": "For example: “Call home”, “Cook dinner”, “Stretch”.",
            "remind_at": "In your time zone, on the days it is not done yet. Quiet hours and "
            "your daily limit in Reminders apply. The notification names the habit.",
        }
        widgets = {
            "remind_at": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "target_hours": forms.NumberInput(
                attrs={"step": "0.5", "min": "3", "max": "12", "inputmode": "decimal"}
            ),
        }

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["name"].error_messages["required"] = "Give your habit a short name."
        self.fields[
            "target_hours"
        ].help_text = "Only for something you count in hours, like sleep (3–12)."
        if self.instance.pk and self.instance.kind == "sleep":
            self.fields["target_hours"].label = "Hours of sleep to aim for"
