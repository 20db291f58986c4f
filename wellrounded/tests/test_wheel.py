"""The wheel built from pyproject.toml holds every app: its code, migrations, templates and data.

A package left out of [tool.setuptools.packages] ships a wheel that installs and then fails at
start-up, which no test running from the source tree notices. So build the wheel (offline, with
the setuptools in the environment), unpack it, and import every project app from it alone."""

import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

from django.apps import apps
from django.conf import settings

ROOT = Path(settings.BASE_DIR)


def project_apps() -> list:
    return [
        app
        for app in apps.get_app_configs()
        if Path(app.path).is_relative_to(ROOT) and "site-packages" not in Path(app.path).parts
    ]


def test_every_app_ships_in_the_wheel_and_imports_from_it(tmp_path):
    # Built from a copy of the tracked tree: setuptools writes build/ and *.egg-info next to
    # the sources it builds, and a parallel test run must not see them in the checkout.
    source = tmp_path / "source"
    tracked = (
        subprocess.run(  # noqa: S603 -- fixed arguments, no input
            [shutil.which("git") or "git", "ls-files", "-z"],
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
        .stdout.decode()
        .split("\0")
    )
    for name in filter(None, tracked):
        if (ROOT / name).is_file():
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, source / name)
    built = tmp_path / "dist"
    subprocess.run(  # noqa: S603 -- this interpreter, fixed arguments
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q"]
        + ["--disable-pip-version-check", "-w", str(built), str(source)],
        check=True,
        capture_output=True,
    )
    [wheel] = built.glob("wellrounded-*.whl")
    unpacked = tmp_path / "site"
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        archive.extractall(unpacked)

    for app in project_apps():
        package = Path(app.path).relative_to(ROOT).as_posix()
        assert f"{package}/__init__.py" in names, f"{package} is not in the wheel"
        for source in (Path(app.path) / "migrations").glob("0*.py"):
            assert f"{package}/migrations/{source.name}" in names
        for template in (Path(app.path) / "templates").rglob("*.html"):
            assert template.relative_to(ROOT).as_posix() in names

    # Import each app (models included) from the unpacked wheel, never from this checkout: the
    # child starts elsewhere, with the wheel first on its path, and reports where each came from.
    modules = [app.name for app in project_apps()]
    script = (
        "import importlib, json, django; django.setup(); "
        f"print(json.dumps({{m: importlib.import_module(m).__file__ for m in {modules!r}}}))"
    )
    child = subprocess.run(  # noqa: S603 -- this interpreter, our own script
        [sys.executable, "-c", script],
        cwd=tmp_path,
        env={
            "PYTHONPATH": str(unpacked),
            "DJANGO_SETTINGS_MODULE": "wellrounded.settings",
            "WR_DATA_DIR": str(tmp_path / "var"),
            "PATH": "/usr/bin:/bin",
        },
        capture_output=True,
        text=True,
    )
    assert child.returncode == 0, child.stderr
    origins = json.loads(child.stdout.strip().splitlines()[-1])
    assert sorted(origins) == sorted(modules)
    for module, origin in origins.items():
        assert Path(origin).is_relative_to(unpacked), f"{module} came from {origin}"
