"""What the in-process benchmarks share: Django on a throwaway database, and a median timing.

Used by `bench/due_query.py` and `bench/gradebook.py` (run as scripts: `bench/` is on their path).
Without a PostgreSQL `DATABASE_URL` the database is a temporary SQLite file, migrated; with one,
Django's test database beside it (test_<name>), created and dropped at the end.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


@contextmanager
def throwaway_database() -> Iterator[str]:
    """Set Django up on a database made for this run, yield its vendor, remove it after."""
    temp = None
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        temp = tempfile.NamedTemporaryFile(suffix=".sqlite3", delete=False)  # noqa: SIM115
        os.environ["DATABASE_URL"] = f"sqlite:///{temp.name}"
    os.environ.setdefault("DEBUG", "true")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "quizsite.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    old_name = connection.settings_dict["NAME"]
    if temp is None:
        connection.creation.create_test_db(verbosity=0, autoclobber=True)
    else:
        call_command("migrate", verbosity=0)
    try:
        yield connection.vendor
    finally:
        if temp is None:
            connection.creation.destroy_test_db(old_name, verbosity=0)
        else:
            connection.close()
            Path(temp.name).unlink(missing_ok=True)


def median_ms(fn: Callable[[], object], runs: int) -> float:
    """The median wall time of `runs` calls of `fn`, in milliseconds, after one warm-up call."""
    fn()
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        timings.append((time.perf_counter() - start) * 1000)
    return statistics.median(timings)
