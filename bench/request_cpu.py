"""In-process CPU per request of the attempt page and the attempt start, old and new alternated.

    .venv/bin/python bench/request_cpu.py                          # this checkout only
    .venv/bin/python bench/request_cpu.py --against ../main-copy   # that checkout and this, in turn
    .venv/bin/python bench/request_cpu.py --profile page --top 40  # where the page's CPU goes

Each checkout runs in a worker process of its own (its own Python and app code, with this
checkout's bench settings and seeding, as `bench/load.py --app-dir` does) on a database of its
own, with the production set-up of the load bench: DEBUG off, PostgreSQL, sessions and the user
in Redis (`--redis-db`, each worker under its own key prefix), hashed static files. A worker
seeds a 50-question attempt per page student (with a signed-in session) and 20-question quizzes
to start; the parent then asks the workers in turn for `--requests` requests through Django's
test client and prints the CPU (`time.process_time`) per request, best and median of the rounds.
The page is `/attempts/{id}/?q=k` (k going round the 50 questions), the start
`POST /api/quizzes/{slug}/attempts/` with a token (a real 201 start each time).

`--profile page|start` runs cProfile, timed by CPU (`process_time`), over the requests in this
checkout, prints the `--top` functions by cumulative time and writes the whole profile to
`--profile-out` (request_cpu.prof) for pstats. cProfile's own cost inflates code that makes
many small calls (templates, the ORM's compiler): read its shares as an order, and the timings
without it as the figures. PostgreSQL must be on 127.0.0.1:5432 (user postgres) and Redis on
127.0.0.1:6379.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
PACKAGE = "factcards_cpubench"  # the name bench/ is linked under for each worker
PG_URL = "postgres://postgres@127.0.0.1:5432"


# --- the worker (runs inside one checkout) ----------------------------------------------------


def _worker() -> None:
    import django

    django.setup()
    import cProfile
    import pstats

    from django.core.management import call_command
    from django.test import Client

    seeding = __import__(f"{PACKAGE}.load_seed", fromlist=["build_quiz"])
    from quizzes.models import Attempt, AttemptState
    from quizzes.services.attempts import attempt_start

    call_command("migrate", verbosity=0)
    call_command("collectstatic", "--noinput", verbosity=0)
    from django.utils import timezone

    sitting = seeding.build_quiz(slug="cpu-sitting", size=50)
    pages = []
    for student in seeding.make_students(role="cpu-page", count=10):
        attempt, _ = attempt_start(quiz=sitting, user=student, now=timezone.now())
        client = Client()
        client.force_login(student)
        pages.append((client, attempt.pk))
    quizzes = [seeding.build_quiz(slug=f"cpu-start-{n}", size=20) for n in range(3)]
    # One client (one handler, as one server process), a student's token per request.
    api = Client()
    starters = [
        {"Authorization": f"Token {s.token}"}
        for s in seeding.make_students(role="cpu-start", count=40)
    ]
    turn = {"page": 0, "start": 0}

    def page() -> None:
        n = turn["page"]
        turn["page"] += 1
        client, pk = pages[n % len(pages)]
        reply = client.get(f"/attempts/{pk}/?q={n % 50 + 1}")
        if reply.status_code != 200:
            raise RuntimeError(f"page: HTTP {reply.status_code}")

    def start() -> None:
        n = turn["start"]
        turn["start"] += 1
        pair = n % (len(starters) * len(quizzes))
        if n and pair == 0:  # every pair started: set their attempts aside, start again
            Attempt.objects.filter(quiz__in=quizzes, state=AttemptState.IN_PROGRESS).update(
                state=AttemptState.ABANDONED
            )
        reply = api.post(
            f"/api/quizzes/{quizzes[pair // len(starters)].slug}/attempts/",
            headers=starters[pair % len(starters)],
        )
        if reply.status_code != 201:
            raise RuntimeError(f"start: HTTP {reply.status_code}")

    calls = {"page": page, "start": start}
    for _ in range(20):  # warm: templates compiled, connections open, caches filled
        page()
        start()
    print(json.dumps({"ready": True}), flush=True)
    for line in sys.stdin:
        what, count, profile = json.loads(line)
        call = calls[what]
        profiler = cProfile.Profile(time.process_time) if profile is not None else None
        began = time.process_time()
        if profiler:
            profiler.enable()
        for _ in range(count):
            call()
        if profiler:
            profiler.disable()
        used = time.process_time() - began
        if profiler:
            stats = pstats.Stats(profiler, stream=sys.stderr)
            stats.sort_stats("cumulative").print_stats(profile)
            stats.dump_stats(os.environ["BENCH_PROFILE_OUT"])
        print(json.dumps({"ms": used * 1000 / count}), flush=True)


# --- the parent -------------------------------------------------------------------------------


class Worker:
    def __init__(self, app_dir: Path, label: str, redis_db: int, tmp: Path, profile_out: str = ""):
        import psycopg

        self.label = label
        self.db = f"cpubench_{label}_{os.getpid()}"
        self.admin = psycopg.connect(f"{PG_URL}/postgres", autocommit=True)
        self.admin.execute(f'DROP DATABASE IF EXISTS "{self.db}"')
        self.admin.execute(f'CREATE DATABASE "{self.db}"')
        pkg = tmp / f"pkg-{label}"
        pkg.mkdir()
        (pkg / PACKAGE).symlink_to(BENCH_DIR, target_is_directory=True)
        (tmp / label).mkdir()
        keep = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO", "PYTHON"))}
        env = {
            **keep,
            "PYTHONPATH": f"{app_dir}{os.pathsep}{pkg}",
            "DJANGO_SETTINGS_MODULE": f"{PACKAGE}.settings",
            "DATABASE_URL": f"{PG_URL}/{self.db}",
            "CACHE_URL": f"redis://127.0.0.1:6379/{redis_db}",
            "CACHE_KEY_PREFIX": f"cpubench-{label}-{os.getpid()}",
            "DEBUG": "false",
            "SECRET_KEY": "cpu-bench-" + "x" * 50,
            "ALLOWED_HOSTS": "testserver",
            "SECURE_SSL_REDIRECT": "false",
            "SECURE_HSTS_SECONDS": "0",
            "SESSION_COOKIE_SECURE": "false",
            "CSRF_COOKIE_SECURE": "false",
            "STATICFILES_MANIFEST": "true",
            "BENCH_STATIC_ROOT": str(tmp / label / "static"),
            "BENCH_PROFILE_OUT": profile_out,
            "LOG_LEVEL": "ERROR",
            "BENCH_WORKER": "1",
        }
        self.process = subprocess.Popen(  # noqa: S603 (this checkout's script, a given venv)
            [str(app_dir / ".venv" / "bin" / "python"), str(Path(__file__).resolve())],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=env,
            cwd=app_dir,
        )
        self._read()

    def _read(self) -> dict:
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError(f"the {self.label} worker stopped (see its stderr above)")
        return json.loads(line)

    def run(self, what: str, count: int, profile: int | None = None) -> float:
        self.process.stdin.write(json.dumps([what, count, profile]) + "\n")
        self.process.stdin.flush()
        return self._read()["ms"]

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.stdin.close()
            self.process.wait(timeout=60)
        self.admin.execute(f'DROP DATABASE IF EXISTS "{self.db}" WITH (FORCE)')
        self.admin.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--against", type=Path, help="another checkout (its own .venv) to compare")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--requests", type=int, default=200, help="requests per round")
    parser.add_argument("--redis-db", type=int, default=14)
    parser.add_argument("--only", choices=["page", "start"], help="measure one of the two")
    parser.add_argument("--profile", choices=["page", "start"])
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--profile-out", type=Path, default=Path("request_cpu.prof"))
    args = parser.parse_args()

    here = BENCH_DIR.parent
    sides = [("before", args.against.resolve())] if args.against else []
    sides.append(("after" if args.against else "this", here))
    with tempfile.TemporaryDirectory(prefix="factcards-cpu-") as name:
        workers = []
        try:
            for label, app_dir in sides:
                out = str(args.profile_out.resolve())
                workers.append(Worker(app_dir, label, args.redis_db, Path(name), out))
            if args.profile:
                ms = workers[-1].run(args.profile, args.requests, args.top)
                print(f"{args.profile}: {ms:.2f} ms CPU per request under cProfile")
                print(f"profile (CPU time) saved as {args.profile_out}")
                return 0
            kinds = [args.only] if args.only else ["page", "start"]
            results: dict = {(w.label, what): [] for w in workers for what in kinds}
            for _ in range(args.rounds):
                for what in kinds:
                    for worker in workers:
                        results[worker.label, what].append(worker.run(what, args.requests))
            print(
                f"CPU per request (time.process_time), {args.rounds} rounds × {args.requests}"
                f" requests, load average {os.getloadavg()[0]:.1f}"
            )
            for (label, what), values in results.items():
                each = ", ".join(f"{v:.2f}" for v in values)
                print(
                    f"  {label:6} {what:5}: best {min(values):6.2f} ms,"
                    f" median {statistics.median(values):6.2f} ms  ({each})"
                )
        finally:
            for worker in workers:
                worker.close()
    return 0


if __name__ == "__main__":
    if os.environ.get("BENCH_WORKER"):
        _worker()
    else:
        sys.exit(main())
