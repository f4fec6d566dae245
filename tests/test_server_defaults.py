"""`make serve`'s gunicorn: threaded workers sized from the cores, bounded queues, a timeout."""

import os
import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"


def printed_config(**env) -> dict[str, str]:
    done = subprocess.run(
        [str(GUNICORN), "--check-config", "--print-config", "quizsite.wsgi"],
        cwd=ROOT,
        env={**os.environ, "DEBUG": "true", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return dict(re.findall(r"^(\w+)\s+= (.*)$", done.stdout, re.M))


def test_serve_runs_threaded_workers_one_per_core_with_bounded_queues():
    config = printed_config()
    assert config["worker_class"] == "gthread"
    assert int(config["workers"]) == len(os.sched_getaffinity(0))
    assert int(config["threads"]) == 4
    assert int(config["worker_connections"]) == 256  # not gunicorn's 1,000
    assert int(config["backlog"]) == 1024  # not gunicorn's 2,048
    assert int(config["timeout"]) == 30


def test_the_environment_resizes_the_server():
    config = printed_config(WEB_CONCURRENCY="5", GUNICORN_THREADS="2", GUNICORN_BACKLOG="10")
    assert (config["workers"], config["threads"], config["backlog"]) == ("5", "2", "10")
    assert config["worker_connections"] == "128"


def test_persistent_database_connections_are_checked_before_reuse():
    # What each gthread thread holds on PostgreSQL (settings read DATABASE_URL at start-up).
    probe = (
        "from django.conf import settings as s; d = s.DATABASES['default']; "
        "print(d['CONN_MAX_AGE'], d['CONN_HEALTH_CHECKS'])"
    )
    done = subprocess.run(
        [str(ROOT / ".venv" / "bin" / "python"), "-c", f"import django; django.setup(); {probe}"],
        cwd=ROOT,
        env={
            **os.environ,
            "DEBUG": "true",
            "DJANGO_SETTINGS_MODULE": "quizsite.settings",
            "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/any",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.stdout.split() == ["600", "True"], done.stderr
