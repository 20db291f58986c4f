from django import forms

from .models import EVENT_KINDS, PlannerPrefs
from .services import TEMPLATES

DATETIME = {"type": "datetime-local"}


class _Form(forms.Form):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class EventForm(_Form):
    kind = forms.ChoiceField(label="What", choices=EVENT_KINDS)
    starts_at = forms.DateTimeField(label="Starts", widget=forms.DateTimeInput(attrs=DATETIME))
    ends_at = forms.DateTimeField(label="Ends", widget=forms.DateTimeInput(attrs=DATETIME))


class TemplateForm(_Form):
    template = forms.ChoiceField(label="Shift pattern")
    first_day = forms.DateField(label="From", widget=forms.DateInput(attrs={"type": "date"}))
    last_day = forms.DateField(label="Until", widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, own=(), **kwargs):
        """`own`: the student's own patterns (services.own_templates), listed first."""
        super().__init__(*args, **kwargs)
        self.fields["template"].choices = [(t.slug, t.label) for t in [*own, *TEMPLATES]]


WEEKDAYS = [
    (0, "Mon"),
    (1, "Tue"),
    (2, "Wed"),
    (3, "Thu"),
    (4, "Fri"),
    (5, "Sat"),
    (6, "Sun"),
]


class PatternForm(_Form):
    name = forms.CharField(
        label="Name",
        max_length=60,
        error_messages={"required": "Give the pattern a name, e.g. Nights."},
    )
    starts = forms.TimeField(
        label="Starts",
        widget=forms.TimeInput(attrs={"type": "time"}),
        error_messages={"required": "Give the time the shift starts, like 07:00."},
    )
    ends = forms.TimeField(
        label="Ends",
        widget=forms.TimeInput(attrs={"type": "time"}),
        error_messages={"required": "Give the time the shift ends, like 19:30."},
        help_text="Earlier than the start: it ends the next morning (e.g. 19:00 to 07:30).",
    )
    weekdays = forms.TypedMultipleChoiceField(
        label="Days it starts on",
        choices=WEEKDAYS,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one day of the week the shift starts on."},
    )


class ImportForm(_Form):
    file = forms.FileField(label="Calendar file (.ics)", required=False)
    url = forms.URLField(label="…or its https link", required=False, assume_scheme="https")

    def clean(self):
        data = super().clean()
        if not data.get("file") and not data.get("url") and not self.errors:
            raise forms.ValidationError("Choose a .ics file or paste an https calendar link.")
        return data


class PrefsForm(forms.ModelForm):
    class Meta:
        model = PlannerPrefs
        fields = [
            "sleep_hours",
            "timezone",
            "email_reminders",
            "reminders_per_day",
            "weekly_nudge",
        ]
        labels = {
            "sleep_hours": "Sleep target (hours a night)",
            "timezone": "Time zone (blank: your school's)",
            "email_reminders": "Email me before a block I accepted",
            "reminders_per_day": "At most this many reminder emails a day",
            "weekly_nudge": "A “plan your week” email on Sunday evening",
        }
        widgets = {
            "sleep_hours": forms.NumberInput(attrs={"step": "0.5", "min": "4", "max": "12"}),
        }

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["sleep_hours"].error_messages["max_value"] = (
            "Choose a sleep target between 4 and 12 hours a night."
        )
        self.fields["sleep_hours"].error_messages["min_value"] = (
            "Choose a sleep target between 4 and 12 hours a night."
        )


class MoveForm(_Form):
    starts_at = forms.DateTimeField(label="New start", widget=forms.DateTimeInput(attrs=DATETIME))
