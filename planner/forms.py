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
    template = forms.ChoiceField(
        label="Shift pattern", choices=[(t.slug, t.label) for t in TEMPLATES]
    )
    first_day = forms.DateField(label="From", widget=forms.DateInput(attrs={"type": "date"}))
    last_day = forms.DateField(label="Until", widget=forms.DateInput(attrs={"type": "date"}))


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
