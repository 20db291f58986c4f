"""What every API request body and query must be before any operation sees it.

JSON bodies are objects sent as `application/json`; no text anywhere in a request may hold a
NUL character (PostgreSQL cannot store one) or an unpaired surrogate (which cannot be encoded
as UTF-8, so it cannot be encrypted or stored). Refusing them here, once, keeps every field of
every operation safe, including fields added later.
"""

import json

from django.http import HttpRequest
from ninja.errors import ValidationError
from ninja.parser import Parser

BAD_TEXT = "Text may not contain NUL characters or unpaired surrogates."
NOT_JSON = "Send the body as JSON, with Content-Type: application/json."


class BodyRefused(ValueError):
    """Why a request body was refused; the API answers 400 with this message."""


def is_clean_text(text: str) -> bool:
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def bad_text_in(value) -> bool:
    if isinstance(value, str):
        return not is_clean_text(value)
    if isinstance(value, dict):
        return any(bad_text_in(key) or bad_text_in(item) for key, item in value.items())
    if isinstance(value, list):
        return any(bad_text_in(item) for item in value)
    return False


class CleanInputParser(Parser):
    def parse_body(self, request: HttpRequest):
        content_type = request.content_type or ""
        if content_type != "application/json" and not content_type.endswith("+json"):
            raise BodyRefused(NOT_JSON)
        try:
            data = json.loads(request.body)
        except ValueError:
            raise BodyRefused("The body is not valid JSON.") from None
        if not isinstance(data, dict):
            raise BodyRefused('The body must be a JSON object, like {"name": "value"}.')
        if bad_text_in(data):
            raise BodyRefused(BAD_TEXT)
        return data

    def parse_querydict(self, data, list_fields, request: HttpRequest):
        for key, values in data.lists():
            if bad_text_in(key) or bad_text_in(values):
                raise ValidationError([{"loc": ("query", key), "msg": BAD_TEXT}])
        return super().parse_querydict(data, list_fields, request)
