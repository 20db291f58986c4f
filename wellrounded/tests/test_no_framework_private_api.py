"""No project code overrides or calls a framework's underscore method.

Django, allauth and django-ninja promise nothing about their `_private` methods: code that
overrides `SessionStore._get_session_from_db` or calls `DatabaseWrapper._commit` turns every
upgrade into an audit. Two checks:

- every class of ours that extends a framework class: none of its methods has the name of an
  underscore method of a framework class in its MRO (found by introspection, so a new
  override is caught whatever it is called);
- every .py file of ours, read as source: no `super()._x` at all, no call of an attribute
  that bears the name of a framework class's underscore method, and no field internals
  (`_meta.get_field(...).pre_save(...)` and the like) in business code.

Reading `_meta` (model metadata: fields, labels, table names) is documented API and allowed,
and so are our own private helpers (`def _week_rows()` in a module of ours).
"""

import ast
import importlib
import inspect
import pkgutil
import sys
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FRAMEWORKS = ("django", "allauth", "ninja")
SKIPPED_DIRS = {"node_modules", ".venv", "static", "__pycache__", ".git"}
# Public names of field internals that only model machinery should call.
FIELD_INTERNALS = {"pre_save", "get_db_prep_value", "get_db_prep_save", "get_prep_value"}


def is_framework(module_name: str) -> bool:
    return module_name.split(".")[0] in FRAMEWORKS


def project_packages() -> list[str]:
    return sorted(
        path.parent.name
        for path in ROOT.glob("*/__init__.py")
        if path.parent.name not in SKIPPED_DIRS | {"e2e", "bench"}
    )


def project_files() -> list[Path]:
    return sorted(
        path for path in ROOT.rglob("*.py") if not SKIPPED_DIRS & set(path.relative_to(ROOT).parts)
    )


def private(name: str) -> bool:
    # `_sunder_` names (enum's `_generate_next_value_`) are documented Python API.
    return name.startswith("_") and not name.startswith("__") and not name.endswith("_")


def method(member) -> bool:
    return inspect.isfunction(member) or isinstance(member, classmethod | staticmethod)


@cache
def framework_private_methods() -> frozenset[str]:
    """The underscore method names of every framework class imported by the project."""
    for package in project_packages():
        module = importlib.import_module(package)
        for info in pkgutil.walk_packages(module.__path__, f"{package}."):
            if ".tests" not in info.name and not info.name.endswith(".apps"):
                importlib.import_module(info.name)
    # Both database backends the project runs on, whichever this run is configured with.
    for backend in ("django.db.backends.sqlite3.base", "django.db.backends.postgresql.base"):
        importlib.import_module(backend)
    names = set()
    for name, module in list(sys.modules.items()):
        if module is None or not is_framework(name):
            continue
        for value in list(vars(module).values()):
            if inspect.isclass(value) and is_framework(value.__module__):
                names.update(
                    attr for attr, member in vars(value).items() if private(attr) and method(member)
                )
    return frozenset(names)


def overrides(cls: type) -> list[str]:
    """The underscore methods `cls` defines over a framework class's method of that name."""
    found = []
    for attr, member in vars(cls).items():
        if not private(attr) or not method(member):
            continue
        for base in cls.__mro__[1:]:
            if is_framework(base.__module__) and attr in vars(base):
                found.append(f"{cls.__module__}.{cls.__qualname__}.{attr} overrides {base}")
                break
    return found


def source_violations(source: str, private_names: frozenset[str]) -> list[str]:
    """Lines of `source` that call a framework's underscore method or a field's internals."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Attribute):
            continue
        value = node.value
        if (
            private(node.attr)
            and isinstance(value, ast.Call)
            and isinstance(value.func, ast.Name)
            and value.func.id == "super"
        ):
            found.append(f"line {node.lineno}: super().{node.attr}")
        elif private(node.attr) and node.attr in private_names:
            found.append(f"line {node.lineno}: .{node.attr}")
        elif (
            node.attr in FIELD_INTERNALS
            and isinstance(value, ast.Call)
            and isinstance(value.func, ast.Attribute)
            and value.func.attr == "get_field"
        ):
            found.append(f"line {node.lineno}: _meta.get_field(...).{node.attr}")
    return found


def test_no_class_of_ours_overrides_a_framework_underscore_method():
    framework_private_methods()  # imports every module of ours
    found = []
    for name, module in list(sys.modules.items()):
        if module is None or name.split(".")[0] not in project_packages():
            continue
        for value in list(vars(module).values()):
            if inspect.isclass(value) and value.__module__ == name:
                found += overrides(value)
    assert found == []


def test_no_file_of_ours_calls_a_framework_underscore_method():
    names = framework_private_methods()
    found = {
        str(path.relative_to(ROOT)): problems
        for path in project_files()
        if (problems := source_violations(path.read_text(), names))
    }
    assert found == {}


# The checks themselves: they catch what they are for, and let our own helpers be.


@pytest.mark.parametrize(
    "source",
    [
        "class S(Store):\n    def load(self):\n        return super()._get_session_from_db()",
        "connection._commit()",
        'CheckIn._meta.get_field("updated_at").pre_save(checkin, add=False)',
        "field = Model._meta.get_field('x')\nModel._meta.get_field('x').get_db_prep_save(v, c)",
        "self._start_transaction_under_autocommit()",
    ],
)
def test_the_source_check_catches_framework_internals(source):
    assert source_violations(source, framework_private_methods())


@pytest.mark.parametrize(
    "source",
    [
        "def _week_rows(x):\n    return x\n_week_rows(1)",
        'label = CheckIn._meta.get_field("mood").verbose_name',
        "table = Model._meta.db_table",
        "super().save(update_fields=['figures'])",
    ],
)
def test_the_source_check_allows_our_own_helpers_and_documented_metadata(source):
    assert source_violations(source, framework_private_methods()) == []


def test_the_class_check_catches_an_override():
    from django.contrib.sessions.backends.db import SessionStore

    class Sneaky(SessionStore):
        def _get_session_from_db(self):
            return None

        def _our_own_helper(self):
            return None

    [problem] = overrides(Sneaky)
    assert "_get_session_from_db" in problem
