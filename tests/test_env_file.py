""".env: read when present, never over the environment, and never by the tests.

The settings read `.env` when they are imported, so each case imports a copy of them in a fresh
interpreter, in a temporary project directory with its own `.env`: the real project directory,
and any `.env` a developer keeps there, are left alone.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PRINT_SETTINGS = (
    "from quizsite import settings; "
    "print(settings.TIME_ZONE, settings.REST_FRAMEWORK['PAGE_SIZE'], settings.DEBUG)"
)


@pytest.fixture
def project(tmp_path):
    """A project directory holding a copy of the settings module and a `.env`."""
    (tmp_path / "quizsite").mkdir()
    (tmp_path / "quizsite" / "__init__.py").touch()
    shutil.copy(ROOT / "quizsite" / "settings.py", tmp_path / "quizsite" / "settings.py")
    (tmp_path / ".env").write_text(
        "# a developer's settings\nTIME_ZONE=Europe/Paris\nAPI_PAGE_SIZE=7\nDEBUG=true\n",
        encoding="utf-8",
    )
    return tmp_path


def settings_in(project: Path, **environment: str) -> subprocess.CompletedProcess:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"ENV_FILE", "TIME_ZONE", "API_PAGE_SIZE", "DEBUG", "SECRET_KEY"}
    }
    env.update(environment, PYTHONPATH=str(project))
    return subprocess.run(
        [sys.executable, "-c", PRINT_SETTINGS],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_env_file_fills_in_what_the_environment_leaves_unset(project):
    result = settings_in(project)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["Europe/Paris", "7", "True"]


def test_the_environment_wins_over_the_env_file(project):
    result = settings_in(project, TIME_ZONE="Asia/Kolkata", DEBUG="false", SECRET_KEY="x" * 50)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["Asia/Kolkata", "7", "False"]


def test_env_file_names_another_file_or_none(project, tmp_path_factory):
    other = tmp_path_factory.mktemp("elsewhere") / "staging.env"
    other.write_text("TIME_ZONE=America/New_York\nDEBUG=true\n", encoding="utf-8")

    named = settings_in(project, ENV_FILE=str(other))
    assert named.returncode == 0, named.stderr
    assert named.stdout.split() == ["America/New_York", "20", "True"]

    none = settings_in(project, ENV_FILE="", DEBUG="true")
    assert none.returncode == 0, none.stderr
    assert none.stdout.split() == ["UTC", "20", "True"]


def test_a_missing_env_file_that_was_named_stops_start_up(project):
    result = settings_in(project, ENV_FILE=str(project / "nowhere.env"))
    assert result.returncode != 0
    assert "ENV_FILE names" in result.stderr
    assert "nowhere.env" in result.stderr


def test_without_a_env_file_the_defaults_apply(project):
    (project / ".env").unlink()
    result = settings_in(project, DEBUG="true")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["UTC", "20", "True"]


def test_the_tests_never_read_a_developers_env_file():
    """pytest-env sets ENV_FILE empty before the settings load (pyproject.toml)."""
    from django.conf import settings

    assert os.environ["ENV_FILE"] == ""
    assert settings.ENV_FILE == ""


def test_the_example_file_is_a_valid_env_file(project):
    shutil.copy(ROOT / ".env.example", project / ".env")
    result = settings_in(project, DEBUG="true")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["UTC", "20", "True"]
