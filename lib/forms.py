"""Putting a service's ValidationError on the form that sent the input (every app's views)."""

from django.core.exceptions import ValidationError


def add_service_errors(form, error: ValidationError) -> None:
    """Show what a service refused next to the field it names, or above the form when it names
    no field of this form (services validate for every front end, so they may name fields that
    only the API has)."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for field, messages in error.message_dict.items():
        form.add_error(field if field in form.fields else None, messages)
