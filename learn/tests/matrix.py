"""This app's part of wellrounded/tests/test_authorization_matrix.py (see its docstring)."""

PAGES: dict[str, str] = {}


def api_rule(path: str) -> str | None:
    return None


def objects(world: dict) -> dict:
    return {}
