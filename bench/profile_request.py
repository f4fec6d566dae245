"""CPU per request in-process: the hello view, the answer save and the flashcard review, called
through Django's WSGI handler as gunicorn calls it, on PostgreSQL and Redis as production runs.

    .venv/bin/python bench/profile_request.py                          # this checkout
    .venv/bin/python bench/profile_request.py --app-dir ../main-checkout --app-dir .   # A/B
    .venv/bin/python bench/profile_request.py --profile save           # where the save's CPU goes

It makes a PostgreSQL database of its own (`--db-prefix`, dropped at the end), seeds it with
`bench/load_seed.py` (tokens, 50-question attempts, a deck of due cards) using this checkout, and
then runs, for each round and each `--app-dir` in turn (alternated, so that the machine's load
falls on all of them alike), a fresh Python process of that checkout which serves `--requests`
calls of each endpoint through `WSGIHandler` (every middleware, the real token, DEBUG off) and
reports `time.process_time()` per request: the CPU of this process only (Django, DRF, the
database driver's client side), not PostgreSQL's or Redis's. Each process serves the
endpoints in turn in three blocks (a full garbage collection before each) and reports the median
block; the figure printed is the best of the rounds (the least disturbed by other work on a
shared machine) with the median of the rounds beside it.

`--profile save|review|hello` runs cProfile over the requests of that endpoint in this checkout
instead, and prints the functions by own time and by cumulative time.

Redis: `--redis-url` (redis://127.0.0.1:6379/12), under a key prefix of this run's own.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
PACKAGE = "factcards_profbench"  # the name bench/ is linked under, as bench/load.py does
PG_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")
ENDPOINTS = ("hello", "save", "review")


def environment(*, app_dir: Path, pkg: Path, db_name: str, redis_url: str, prefix: str) -> dict:
    keep = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO", "PYTHON"))}
    return {
        **keep,
        "PYTHONPATH": f"{app_dir}{os.pathsep}{pkg}",
        "DJANGO_SETTINGS_MODULE": f"{PACKAGE}.settings",
        "DATABASE_URL": f"{PG_URL}/{db_name}",
        "CACHE_URL": redis_url,
        "CACHE_KEY_PREFIX": prefix,
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(40),
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_HSTS_SECONDS": "0",
        "LOG_LEVEL": "WARNING",
    }


# --- the child: serve requests through the WSGI handler -----------------------------------------


def _calls(plan: dict, endpoint: str, count: int) -> list[tuple[str, str, str, bytes]]:
    """(method, path, token, body) for `count` requests, spread over the seeded students."""
    calls = []
    for n in range(count):
        if endpoint == "hello":
            calls.append(("GET", "/bench/hello/", "", b""))
        elif endpoint == "save":
            row = plan["saves"][n % len(plan["saves"])]
            question, choices = row["questions"][(n // len(plan["saves"])) % len(row["questions"])]
            body = json.dumps({"answer": choices[n % len(choices)]}).encode()
            calls.append(
                ("PUT", f"/api/attempts/{row['attempt']}/answers/{question}/", row["token"], body)
            )
        else:
            row = plan["reviews"][n % len(plan["reviews"])]
            card = row["cards"][(n // len(plan["reviews"])) % len(row["cards"])]
            body = json.dumps(
                {"rating": "good", "client_review_id": secrets.token_hex(16)}
            ).encode()
            calls.append(("POST", f"/api/cards/{card}/review/", row["token"], body))
    return calls


def _environ(method: str, path: str, token: str, body: bytes) -> dict:
    environ = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "SCRIPT_NAME": "",
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_HOST": "127.0.0.1:8000",
        "HTTP_ACCEPT": "application/json",
        "HTTP_USER_AGENT": "profile_request",
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
    if body:
        environ["CONTENT_TYPE"] = "application/json"
        environ["CONTENT_LENGTH"] = str(len(body))
    return environ


def child(args: argparse.Namespace) -> None:
    import django

    django.setup()
    from django.core.handlers.wsgi import WSGIHandler

    handler = WSGIHandler()
    plan = json.loads(Path(args.plan).read_text())
    statuses: dict[str, set] = {}

    def serve(endpoint: str, calls) -> float:
        start = time.process_time()
        seen: list[str] = []
        for method, path, token, body in calls:
            result = handler(_environ(method, path, token, body), lambda s, h, *a: seen.append(s))
            b"".join(result)
            if hasattr(result, "close"):
                result.close()
        statuses[endpoint] = {status.split()[0] for status in seen}
        return (time.process_time() - start) / len(calls) * 1000

    endpoints = [args.profile] if args.profile else list(ENDPOINTS)
    for endpoint in endpoints:  # warm up: imports, URL resolvers, the token and user caches
        serve(endpoint, _calls(plan, endpoint, 120))
    if args.profile:
        import cProfile
        import pstats

        calls = _calls(plan, args.profile, args.requests)
        profiler = cProfile.Profile(time.process_time)  # CPU, not waiting
        profiler.enable()
        serve(args.profile, calls)
        profiler.disable()
        if args.stats_file:
            profiler.dump_stats(args.stats_file)
        stats = pstats.Stats(profiler, stream=sys.stdout).strip_dirs()
        for order in ("tottime", "cumulative"):
            print(f"--- {args.profile}: {args.requests} requests, by {order} ---")
            stats.sort_stats(order).print_stats(args.top)
        print("statuses:", {k: sorted(v) for k, v in statuses.items()})
        return
    # Three blocks of each endpoint in turn, each after a full collection (so that a collection
    # of the warm-up's garbage lands in no endpoint's figure): the median block per endpoint.
    import gc

    blocks: dict[str, list[float]] = {endpoint: [] for endpoint in ENDPOINTS}
    for _ in range(3):
        for endpoint in ENDPOINTS:
            gc.collect()
            blocks[endpoint].append(serve(endpoint, _calls(plan, endpoint, args.requests // 3)))
    figures = {endpoint: statistics.median(values) for endpoint, values in blocks.items()}
    print(json.dumps({"cpu_ms": figures, "statuses": {k: sorted(v) for k, v in statuses.items()}}))


# --- the parent: a database, the seed, the alternated rounds ------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--app-dir",
        action="append",
        type=Path,
        help="a checkout to measure (repeatable; default: this one)",
    )
    parser.add_argument(
        "--requests", type=int, default=300, help="requests per endpoint and round (300)"
    )
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--profile", choices=ENDPOINTS, help="cProfile this endpoint in the first --app-dir"
    )
    parser.add_argument("--top", type=int, default=35, help="functions printed per ordering")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/12")
    parser.add_argument("--db-prefix", default="prof_bench")
    parser.add_argument("--stats-file", help="with --profile: also write the pstats file here")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--plan", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
        return

    import psycopg

    apps = [p.resolve() for p in (args.app_dir or [ROOT])]
    db_name = f"{args.db_prefix}_{os.getpid()}"
    prefix = f"prof{os.getpid()}"
    with tempfile.TemporaryDirectory() as tmp:
        pkg = Path(tmp) / "pkg"
        pkg.mkdir()
        (pkg / PACKAGE).symlink_to(BENCH_DIR, target_is_directory=True)
        plan = Path(tmp) / "plan.json"
        admin = psycopg.connect(f"{PG_URL}/postgres", autocommit=True)
        admin.execute(f'CREATE DATABASE "{db_name}"')
        try:
            env = environment(
                app_dir=ROOT, pkg=pkg, db_name=db_name, redis_url=args.redis_url, prefix=prefix
            )
            python = ROOT / ".venv" / "bin" / "python"
            subprocess.run([python, "-m", "django", "migrate", "-v0"], env=env, check=True)  # noqa: S603
            subprocess.run(  # noqa: S603
                [python, "-m", f"{PACKAGE}.load_seed", "seed", "--out", str(plan),
                 "--saves", "30", "--pages", "0", "--starters", "0", "--start-quizzes", "0",
                 "--reviewers", "30", "--cards", "10", "--count-sizes", ""],
                env=env, check=True, stdout=subprocess.DEVNULL,
            )  # fmt: skip
            results: dict[Path, list[dict]] = {app: [] for app in apps}
            rounds = 1 if args.profile else args.rounds
            for number in range(1, rounds + 1):
                for app in apps:
                    env = environment(
                        app_dir=app,
                        pkg=pkg,
                        db_name=db_name,
                        redis_url=args.redis_url,
                        prefix=prefix,
                    )
                    command = [
                        *(app / ".venv" / "bin" / "python", BENCH_DIR / "profile_request.py"),
                        *(
                            "--child",
                            "--plan",
                            plan,
                            "--requests",
                            args.requests,
                            "--top",
                            args.top,
                        ),
                    ]
                    command = [str(part) for part in command]
                    if args.profile:
                        if args.stats_file:
                            command += ["--stats-file", str(Path(args.stats_file).resolve())]
                        subprocess.run([*command, "--profile", args.profile], env=env, check=True)  # noqa: S603
                        return
                    out = subprocess.run(  # noqa: S603
                        command, env=env, check=True, capture_output=True, text=True
                    )
                    figures = json.loads(out.stdout.strip().splitlines()[-1])
                    results[app].append(figures)
                    cpu = "  ".join(f"{k} {v:.2f} ms" for k, v in figures["cpu_ms"].items())
                    print(f"round {number} {app}: {cpu}  {figures['statuses']}", flush=True)
            print(
                f"\nCPU per request in the server process ({args.requests} requests × {rounds} "
                "rounds; best, median):"
            )
            print(f"{'checkout':40} " + " ".join(f"{e:>18}" for e in ENDPOINTS))
            for app, rows in results.items():
                cells = []
                for endpoint in ENDPOINTS:
                    values = [r["cpu_ms"][endpoint] for r in rows]
                    cells.append(f"{min(values):6.2f} ({statistics.median(values):5.2f}) ms")
                print(f"{str(app)[-40:]:40} " + " ".join(f"{c:>18}" for c in cells))
            print(f"load average: {os.getloadavg()[0]:.1f}")
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)')
            admin.close()
            try:
                import redis

                client = redis.Redis.from_url(args.redis_url)
                keys = list(client.scan_iter(f"{prefix}:*"))
                if keys:
                    client.delete(*keys)
            except Exception as exc:  # clean-up is best effort
                print(f"left the Redis keys {prefix}:* ({exc})", file=sys.stderr)


if __name__ == "__main__":
    main()
