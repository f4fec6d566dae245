"""CPU per request in-process: five endpoints through Django's WSGI handler, checkouts alternated.

    .venv/bin/python bench/request_cpu.py                                   # this checkout
    .venv/bin/python bench/request_cpu.py --app-dir ../main-copy --app-dir .   # A/B, in turn
    .venv/bin/python bench/request_cpu.py --against ../main-copy            # the same A/B
    .venv/bin/python bench/request_cpu.py --only save review --rounds 5     # some endpoints
    .venv/bin/python bench/request_cpu.py --profile start --top 40          # where its CPU goes

The endpoints (`--only` picks some; all five by default):

- `hello`: `GET /bench/hello/` (bench/urls.py), every middleware and nothing else: the floor;
- `save`: `PUT /api/attempts/{id}/answers/{question}/` with a token (200), going round 30
  students' 50-question attempts, question by question, each choice in turn;
- `review`: `POST /api/cards/{id}/review/` with a token (201), 30 students' 10 due cards;
- `page`: `GET /attempts/{id}/?q=k` with a signed-in session cookie (200), k going round the
  50 questions of 30 students' attempts;
- `start`: `POST /api/quizzes/{slug}/attempts/` with a token (201): a real start of a
  20-question quiz each time, every (student, quiz) pair once per block; before each block the
  attempts the last one started are set aside (`load_seed.reset_starts`, outside the timing).

Each checkout (`--app-dir`, repeatable, default this one; `--against DIR` is `--app-dir DIR
--app-dir` this one) gets a PostgreSQL database of its own (`--db-prefix`), migrated, its static
files collected and seeded with `bench/load_seed.py`'s `seed()` by that checkout's own Python
and app code (as `bench/load.py --app-dir` does): every checkout starts from the same data and
meets the same writes. Then, each round, each checkout in turn (alternated, so that the
machine's load falls on all of them alike) runs in a fresh worker process of its own, which
warms up (120 requests of each endpoint: imports, URL resolvers, templates, connections, the
token and user caches) and then serves `--requests` requests of each endpoint in three blocks,
the endpoints in turn, a full garbage collection before each block. It reports the median block
as `time.process_time()` per request: the CPU of the server process only (Django, DRF, the
database driver's client side), not PostgreSQL's or Redis's. The table gives, per endpoint and
checkout, the best of the rounds (the least disturbed by other work on a shared machine) and,
in brackets, their median. Any reply with another status than the endpoint's stops the run.

The set-up is production's, as in the load bench: `bench/settings.py` over the site's settings,
DEBUG off, a random SECRET_KEY, PostgreSQL with persistent connections, sessions and the user
in Redis (`--redis-db`, each checkout under a key prefix of this run's own), hashed static files
(`ManifestStaticFilesStorage`), the real token and the real session on every request, and
Django's `WSGIHandler` called as gunicorn calls it (not the test client, which adds its own
signals and skips closing old connections).

`--profile ENDPOINT` runs cProfile, timed by CPU (`process_time`), over `--requests` requests
of that endpoint after the same warm-up, in each checkout in turn; it prints the `--top`
functions by own time and by cumulative time and writes the whole profile for pstats to
`--profile-out` (request_cpu.prof; with several checkouts request_cpu-1.prof, -2, … in their
order). cProfile's own cost inflates code that makes many small calls (templates, the ORM's
compiler): read its shares as an order, and the timings without it as the figures.

The databases and the Redis keys are removed at the end (databases left by a run that was
killed are dropped by the next one). PostgreSQL must be on 127.0.0.1:5432 (user postgres, or
`BENCH_PG_URL`) and Redis on 127.0.0.1:6379; every checkout needs its own `.venv`.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import io
import json
import math
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
PACKAGE = "factcards_cpubench"  # the name bench/ is linked under for the workers
PG_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")
REDIS = "redis://127.0.0.1:6379"

ENDPOINTS = ("hello", "save", "review", "page", "start")
EXPECTED = {"hello": 200, "save": 200, "review": 201, "page": 200, "start": 201}
BLOCKS = 3  # per endpoint and round; the median block is the round's figure
WARM_UP = 120  # requests of each endpoint before any timing
START_QUIZZES = 3
STUDENTS = 30  # per endpoint that needs them (the start: see _seed_sizes)


def _seed_sizes(requests: int) -> dict[str, int]:
    """What `load_seed.seed()` makes: enough starters that a block (or the warm-up, or a
    profile's `requests`) never starts one (student, quiz) pair twice."""
    return {
        "saves": STUDENTS,
        "pages": STUDENTS,
        "starters": max(WARM_UP, math.ceil(requests / START_QUIZZES)),
        "start_quizzes": START_QUIZZES,
        "start_size": 20,
        "sitting_size": 50,
        "reviewers": STUDENTS,
        "cards": 10,
    }


# --- the worker: one checkout's Python and app code, this checkout's bench package -------------


def _seeding():
    """bench/load_seed.py under the name this module was imported by (`bench` in the tests)."""
    return importlib.import_module(f"{__package__ or PACKAGE}.load_seed")


def _set_up(plan_file: Path, requests: int) -> None:
    """Migrate, collect the static files, seed, and write the plan."""
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("collectstatic", "--noinput", verbosity=0)
    plan = _seeding().seed(**_seed_sizes(requests))
    plan_file.write_text(json.dumps(plan))


def _environ(method: str, path: str, *, query: str = "", token: str = "", cookie: str = "",
             body: bytes = b"") -> dict:  # fmt: skip
    environ = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "SCRIPT_NAME": "",
        "QUERY_STRING": query,
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_HOST": "127.0.0.1:8000",
        "HTTP_ACCEPT": "application/json" if path.startswith("/api/") else "text/html",
        "HTTP_USER_AGENT": "request_cpu",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }
    if token:
        environ["HTTP_AUTHORIZATION"] = f"Token {token}"
    if cookie:
        environ["HTTP_COOKIE"] = cookie
    if body:
        environ["CONTENT_TYPE"] = "application/json"
        environ["CONTENT_LENGTH"] = str(len(body))
    return environ


class Requests:
    """The WSGI environs of each endpoint, handed out in turn over the seeded students."""

    def __init__(self, plan: dict, *, session_cookie: str):
        self.plan = plan
        self.session_cookie = session_cookie
        self.turn = dict.fromkeys(ENDPOINTS, 0)

    def environs(self, endpoint: str, count: int) -> list[dict]:
        if endpoint == "start":  # every pair can start again: the block's pairs are all new
            _seeding().reset_starts(plan=self.plan)
            pairs = len(self.plan["starts"]["tokens"]) * len(self.plan["starts"]["quizzes"])
            if count > pairs:
                raise RuntimeError(f"{count} starts asked for, {pairs} (student, quiz) pairs")
            self.turn["start"] = 0
        first = self.turn[endpoint]
        self.turn[endpoint] += count
        make = getattr(self, f"_{endpoint}")
        return [make(n) for n in range(first, first + count)]

    def _hello(self, n: int) -> dict:
        return _environ("GET", "/bench/hello/")

    def _save(self, n: int) -> dict:
        rows = self.plan["saves"]
        row = rows[n % len(rows)]
        question, choices = row["questions"][(n // len(rows)) % len(row["questions"])]
        body = json.dumps({"answer": choices[n % len(choices)]}).encode()
        path = f"/api/attempts/{row['attempt']}/answers/{question}/"
        return _environ("PUT", path, token=row["token"], body=body)

    def _review(self, n: int) -> dict:
        rows = self.plan["reviews"]
        row = rows[n % len(rows)]
        card = row["cards"][(n // len(rows)) % len(row["cards"])]
        body = json.dumps({"rating": "good", "client_review_id": secrets.token_hex(16)}).encode()
        return _environ("POST", f"/api/cards/{card}/review/", token=row["token"], body=body)

    def _page(self, n: int) -> dict:
        rows = self.plan["pages"]
        row = rows[n % len(rows)]
        slot = (n // len(rows)) % len(row["questions"]) + 1
        cookie = f"{self.session_cookie}={row['session']}"
        return _environ("GET", f"/attempts/{row['attempt']}/", query=f"q={slot}", cookie=cookie)

    def _start(self, n: int) -> dict:
        tokens, quizzes = self.plan["starts"]["tokens"], self.plan["starts"]["quizzes"]
        token, quiz = tokens[n % len(tokens)], quizzes[n // len(tokens)]
        return _environ("POST", f"/api/quizzes/{quiz}/attempts/", token=token)


def _server(handler: Callable) -> Callable[[str, list[dict]], float]:
    """serve(endpoint, environs): ms of CPU per request; raises on any unexpected status."""

    def serve(endpoint: str, environs: list[dict]) -> float:
        statuses: list[str] = []
        started = statuses.append  # start_response(status, headers): the status is enough
        began = time.process_time()
        for environ in environs:
            result = handler(environ, lambda status, headers, *_: started(status))
            b"".join(result)
            if hasattr(result, "close"):
                result.close()
        used = time.process_time() - began
        wrong = {s for s in statuses if int(s.split()[0]) != EXPECTED[endpoint]}
        if wrong:
            raise RuntimeError(f"{endpoint}: HTTP {sorted(wrong)}, expected {EXPECTED[endpoint]}")
        return used * 1000 / len(environs)

    return serve


def _work(args: argparse.Namespace) -> None:
    import django

    django.setup()
    from django.conf import settings
    from django.core.handlers.wsgi import WSGIHandler

    plan = json.loads(Path(args.plan).read_text())
    requests = Requests(plan, session_cookie=settings.SESSION_COOKIE_NAME)
    serve = _server(WSGIHandler())
    endpoints = [args.profile] if args.profile else args.only
    for endpoint in endpoints:
        serve(endpoint, requests.environs(endpoint, WARM_UP))
    if args.profile:
        import cProfile
        import pstats

        environs = requests.environs(args.profile, args.requests)
        gc.collect()
        profiler = cProfile.Profile(time.process_time)  # CPU, not waiting
        profiler.enable()
        ms = serve(args.profile, environs)
        profiler.disable()
        profiler.dump_stats(args.profile_out)
        stats = pstats.Stats(profiler, stream=sys.stdout).strip_dirs()
        for order in ("tottime", "cumulative"):
            print(f"--- {args.profile}: {args.requests} requests, by {order} ---")
            stats.sort_stats(order).print_stats(args.top)
        print(f"{args.profile}: {ms:.2f} ms CPU per request under cProfile", flush=True)
        return
    blocks: dict[str, list[float]] = {endpoint: [] for endpoint in endpoints}
    for _ in range(BLOCKS):
        for endpoint in endpoints:
            environs = requests.environs(endpoint, args.requests // BLOCKS)
            gc.collect()  # so that no block pays for the garbage of the one before
            blocks[endpoint].append(serve(endpoint, environs))
    print(json.dumps({endpoint: statistics.median(values) for endpoint, values in blocks.items()}))


# --- the parent: databases, set-up, the alternated rounds, clean-up ----------------------------


@dataclass
class Checkout:
    app_dir: Path
    number: int  # 1, 2, … in the order named
    env: dict[str, str]
    db_name: str
    cache_prefix: str
    plan: Path

    @classmethod
    def make(cls, app_dir: Path, *, number: int, tmp: Path, args, secret_key: str) -> Checkout:
        """Its database and cache prefix are named by this run's pid, for the clean-up."""
        keep = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO", "PYTHON"))}
        db_name = f"{args.db_prefix}_{number}_{os.getpid()}"
        prefix = f"request_cpu{os.getpid()}-{number}"
        env = {
            **keep,
            "PYTHONPATH": f"{app_dir}{os.pathsep}{tmp / 'pkg'}",
            "DJANGO_SETTINGS_MODULE": f"{PACKAGE}.settings",
            "DATABASE_URL": f"{PG_URL}/{db_name}",
            "CACHE_URL": f"{REDIS}/{args.redis_db}",
            "CACHE_KEY_PREFIX": prefix,
            "DEBUG": "false",
            "SECRET_KEY": secret_key,
            "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
            # Plain HTTP on 127.0.0.1, as `make serve` runs it: no redirect, no HSTS.
            "SECURE_SSL_REDIRECT": "false",
            "SECURE_HSTS_SECONDS": "0",
            "SESSION_COOKIE_SECURE": "false",
            "CSRF_COOKIE_SECURE": "false",
            "STATICFILES_MANIFEST": "true",
            "BENCH_STATIC_ROOT": str(tmp / f"static-{number}"),
            "LOG_LEVEL": "WARNING",
        }
        return cls(app_dir, number, env, db_name, prefix, tmp / f"plan-{number}.json")

    @property
    def python(self) -> str:
        return str(self.app_dir / ".venv" / "bin" / "python")

    def run(self, *argv: str, capture: bool = False) -> str:
        command = [self.python, "-m", f"{PACKAGE}.request_cpu", *argv]
        out = subprocess.run(  # noqa: S603 (this bench's module, a checkout's own venv)
            command,
            env=self.env,
            cwd=self.app_dir,
            check=True,
            text=True,
            stdout=subprocess.PIPE if capture else None,
        )
        return out.stdout or ""


def checkouts_named(args: argparse.Namespace) -> list[Path]:
    named = [args.against, ROOT] if args.against else args.app_dir or [ROOT]
    apps = [path.resolve() for path in named]
    for app in apps:
        if not (app / "manage.py").exists() or not (app / ".venv" / "bin" / "python").exists():
            raise SystemExit(f"{app} is not a Factcards checkout with a venv (manage.py, .venv)")
    return apps


def drop_stale_databases(admin, prefix: str) -> None:
    """Drop this prefix's databases left by a run that was killed (its pid is gone)."""
    import psutil

    rows = admin.execute(
        "SELECT datname FROM pg_database WHERE datname LIKE %s", [f"{prefix}\\_%"]
    ).fetchall()
    for (name,) in rows:
        pid = name.rpartition("_")[2]
        if pid.isdigit() and not psutil.pid_exists(int(pid)):
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def remove_cache_keys(redis_url: str, prefixes: list[str]) -> None:
    import redis

    try:
        client = redis.Redis.from_url(redis_url)
        for prefix in prefixes:
            keys = list(client.scan_iter(f"{prefix}:*"))
            if keys:
                client.delete(*keys)
        client.close()
    except redis.RedisError as exc:  # the figures are printed already: say so, do not fail
        print(f"left the Redis keys {', '.join(prefixes)}:* ({exc})", file=sys.stderr)


def print_table(checkouts: list[Checkout], results: dict, endpoints: list[str], args) -> None:
    print(
        f"\nCPU per request in the server process (time.process_time), {args.requests} requests"
        f" × {args.rounds} rounds per endpoint; best of the rounds (median), load average"
        f" {os.getloadavg()[0]:.1f}"
    )
    for checkout in checkouts:
        print(f"  [{checkout.number}] {checkout.app_dir}")
    header = "".join(f"{f'[{c.number}]':>20}" for c in checkouts)
    change = len(checkouts) == 2
    print(f"  {'endpoint':8}{header}" + (f"{'[2] vs [1]':>12}" if change else ""))
    for endpoint in endpoints:
        cells, best = "", []
        for checkout in checkouts:
            values = [round_[endpoint] for round_ in results[checkout.number]]
            best.append(min(values))
            cells += f"{f'{min(values):.2f} ({statistics.median(values):.2f}) ms':>20}"
        ratio = f"{round((best[1] / best[0] - 1) * 100):+11d}%" if change else ""
        print(f"  {endpoint:8}{cells}{ratio}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    named = parser.add_mutually_exclusive_group()
    named.add_argument(
        "--app-dir",
        action="append",
        type=Path,
        help="a checkout to measure, with its own .venv (repeatable, in this order; default: "
        "this one)",
    )
    named.add_argument(
        "--against", type=Path, help="shorthand for --app-dir AGAINST --app-dir <this checkout>"
    )
    parser.add_argument(
        "--only", nargs="+", choices=ENDPOINTS, default=list(ENDPOINTS), metavar="ENDPOINT",
        help=f"the endpoints to measure, of {', '.join(ENDPOINTS)} (default: all)",
    )  # fmt: skip
    parser.add_argument(
        "--requests", type=int, default=300,
        help="requests per endpoint and round, in three blocks; with --profile, profiled (300)",
    )  # fmt: skip
    parser.add_argument("--rounds", type=int, default=3, help="rounds of every checkout (3)")
    parser.add_argument(
        "--profile", choices=ENDPOINTS, help="cProfile this endpoint in each checkout instead"
    )
    parser.add_argument("--top", type=int, default=40, help="functions printed per order (40)")
    parser.add_argument(
        "--profile-out", type=Path, default=Path("request_cpu.prof"), help="the pstats file"
    )
    parser.add_argument("--redis-db", type=int, default=14, help="Redis database number (14)")
    parser.add_argument("--db-prefix", default="request_cpu", help="PostgreSQL database names")
    parser.add_argument("--set-up", type=Path, help=argparse.SUPPRESS)  # worker: write the plan
    parser.add_argument("--plan", type=Path, help=argparse.SUPPRESS)  # worker: serve requests
    args = parser.parse_args()
    if args.set_up:
        _set_up(args.set_up, args.requests)
        return
    if args.plan:
        _work(args)
        return
    if args.requests < BLOCKS or args.rounds < 1:
        parser.error(f"--requests must be at least {BLOCKS} and --rounds at least 1")

    import psycopg

    apps = checkouts_named(args)
    redis_url = f"{REDIS}/{args.redis_db}"
    secret_key = secrets.token_urlsafe(50)  # one per run: the seeded sessions must hold
    checkouts: list[Checkout] = []
    with tempfile.TemporaryDirectory(prefix="factcards-cpu-") as name:
        tmp = Path(name)
        (tmp / "pkg").mkdir()
        (tmp / "pkg" / PACKAGE).symlink_to(BENCH_DIR, target_is_directory=True)
        admin = psycopg.connect(f"{PG_URL}/postgres", autocommit=True)
        drop_stale_databases(admin, args.db_prefix)
        try:
            for number, app in enumerate(apps, start=1):
                checkout = Checkout.make(
                    app, number=number, tmp=tmp, args=args, secret_key=secret_key
                )
                checkouts.append(checkout)
                admin.execute(f'CREATE DATABASE "{checkout.db_name}"')
                print(f"[{number}] {app}: migrating, collecting static files, seeding", flush=True)
                checkout.run("--set-up", str(checkout.plan), "--requests", str(args.requests))
            worker = ["--requests", str(args.requests)]
            if args.profile:
                base = args.profile_out.resolve()
                for checkout in checkouts:
                    out = base
                    if len(checkouts) > 1:
                        out = base.with_name(f"{base.stem}-{checkout.number}{base.suffix}")
                    print(
                        f"\n=== [{checkout.number}] {checkout.app_dir}: {args.profile} ===",
                        flush=True,
                    )
                    checkout.run(
                        *worker, "--plan", str(checkout.plan), "--profile", args.profile,
                        "--top", str(args.top), "--profile-out", str(out),
                    )  # fmt: skip
                    print(f"profile (CPU time) saved as {out}")
                return
            results: dict[int, list[dict]] = {c.number: [] for c in checkouts}
            for round_number in range(1, args.rounds + 1):
                for checkout in checkouts:
                    lines = checkout.run(
                        *worker, "--plan", str(checkout.plan), "--only", *args.only, capture=True
                    )
                    figures = json.loads(lines.strip().splitlines()[-1])
                    results[checkout.number].append(figures)
                    cells = "  ".join(f"{k} {v:.2f}" for k, v in figures.items())
                    print(f"round {round_number} [{checkout.number}]: {cells} ms", flush=True)
            print_table(checkouts, results, args.only, args)
        finally:
            for checkout in checkouts:
                admin.execute(f'DROP DATABASE IF EXISTS "{checkout.db_name}" WITH (FORCE)')
            admin.close()
            remove_cache_keys(redis_url, [c.cache_prefix for c in checkouts])


if __name__ == "__main__":
    main()
