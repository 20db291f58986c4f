from django import forms

from .models import ReminderPrefs

TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class PrefsForm(forms.ModelForm):
    class Meta:
        model = ReminderPrefs
        fields = [
            "checkin_at",
            "screenings",
            "quiet_start",
            "quiet_end",
            "per_day",
            "email_fallback",
        ]
        labels = {
            "checkin_at": "Remind me to check in at (blank: no daily reminder)",
            "screenings": "Also remind me when a screening I scheduled is due",
            "quiet_start": "Quiet hours from",
            "quiet_end": "Quiet hours until",
            "per_day": "At most this many reminders a day",
            "email_fallback": "Email me when no device can show a notification",
        }
        help_texts = {
            "checkin_at": "In your time zone. Nothing is sent once you have checked in that day.",
            "quiet_start": "One set for every reminder (check-in, habits, screenings, planner): "
            "none in quiet hours, a reminder due then waits until they end. The planner proposes "
            "no block but sleep in them. The same start and end: no quiet hours.",
        }
        widgets = {"checkin_at": TIME, "quiet_start": TIME, "quiet_end": TIME}

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
