from django import forms

from schools.models import Cohort, School

from .models import MAX_REFLECTION_CHARS, SchoolLesson
from .services import LESSON_FIELDS
from .tracks import TRACKS


class LessonReflectionForm(forms.Form):
    """The shape of the page; the service does the validation that counts."""

    body = forms.CharField(
        label="Your reflection",
        widget=forms.Textarea(attrs={"rows": 6, "maxlength": MAX_REFLECTION_CHARS}),
        required=False,
        strip=False,
        help_text="Only you can read this. It is stored encrypted.",
    )


class SchoolLessonForm(forms.ModelForm):
    class Meta:
        model = SchoolLesson
        fields = [*LESSON_FIELDS, "published"]
        widgets = {
            "body": forms.Textarea(attrs={"rows": 14}),
            "sources": forms.Textarea(attrs={"rows": 4}),
            "summary": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "body": "Markdown: ## headings, lists, **bold**, links. HTML tags are not allowed.",
            "minutes": "3 to 7 minutes of reading.",
            "published": "Students of your school see published lessons.",
        }


class AssignTrackForm(forms.Form):
    cohort = forms.ModelChoiceField(queryset=Cohort.objects.none(), empty_label=None)
    track = forms.ChoiceField(choices=list(TRACKS.items()))
    complete_by = forms.DateField(
        required=False,
        label="Complete by (optional)",
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args, school: School, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cohort"].queryset = Cohort.objects.filter(school=school)
