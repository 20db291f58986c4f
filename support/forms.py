from django import forms

from .models import HelpResource
from .services import EDITABLE_FIELDS


class HelpResourceForm(forms.ModelForm):
    url = forms.URLField(required=False, max_length=200, assume_scheme="https", label="Web page")

    class Meta:
        model = HelpResource
        fields = EDITABLE_FIELDS
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "confidentiality_note": forms.Textarea(attrs={"rows": 3}),
            "involved_in_grading": forms.RadioSelect,
        }
