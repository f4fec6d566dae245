"""Load bench: gunicorn on PostgreSQL and Redis under locust, every endpoint against a hello view.

    .venv/bin/python bench/load.py                 # 3 interleaved rounds, about 5 minutes
    .venv/bin/python bench/load.py --quick         # 1 short round, under a minute
    .venv/bin/python bench/load.py --burst 150     # the exam start: 150 students, then checks
    .venv/bin/python bench/load.py --app-dir /tmp/old-checkout   # measure another checkout

It starts everything itself, on 127.0.0.1 only, and removes it all at the end (also on Ctrl-C or
an error): its own Redis server (`--redis-port`), its own PostgreSQL database
(`<--db-prefix>_<pid>`, dropped at the end), and gunicorn (`--port`, `--workers`,
`--worker-class`, `--threads`) with DEBUG off, a random SECRET_KEY, hashed static files and the
shared cache (`CACHE_URL`), i.e. as `make serve` runs in production. The Django settings are
`bench/settings.py` (the checkout's own settings; the URLs are `bench/urls.py`, which adds
`/bench/hello/`: a JSON view that reads neither the database nor the cache) and the data is seeded
by `bench/load_seed.py`, both run with the measured checkout's Python, so `--app-dir` can point at
an older checkout (with its own `.venv`) while the harness stays this one.

The rounds (`--rounds`, interleaved: every scenario once per round, so a noisy neighbour hits
them alike), each a closed loop of `--users` locust users (FastHttpUser, no think time) for
`--warmup` + `--seconds`:

    hello          GET /bench/hello/                               the ceiling
    save           PUT /api/attempts/{id}/answers/{q}/ (token)     a 50-question attempt
    page           GET /attempts/{id}/?q=k (session)               the same attempts
    start          POST /api/quizzes/{slug}/attempts/ (token)      a real start (201), 20 questions
    review         POST /api/cards/{id}/review/ (token)            a due flashcard
    save@100       the save with 100 users
    hello@100      the hello view with 100 users (for the p99 of save@100)

Each request goes to the next seeded student in turn, so no student nears the API's throttle.
Printed per scenario: requests per second (median of the rounds, and their range), p50/p95/p99
of the measured windows, errors, the CPU that gunicorn, PostgreSQL (this database's backends) and
Redis spent per request ("CPU/req") and the hello view's CPU per request divided by it ("by
CPU": the throughput ratio a CPU-bound server would reach; steadier than req/s on a busy
machine), and the ratio to the hello view's throughput *in the same round* (median and range of
the rounds); then the queries of one start for 5,
20 and 50 questions, the CPU taken by the load generator, gunicorn, PostgreSQL (this database's
backends) and Redis, what the rest of the machine used meanwhile, and the load average. The
issue's targets are checked at the end.

`--burst N`: N students each start the exam (a 20-question quiz, one attempt allowed), save 5
answers and finish, the starts spread evenly over `--burst-seconds` (60); a client gives up after
`--burst-timeout` (30 s) per request. Afterwards the harness waits for gunicorn to drain its
backlog (bounded), then checks the database: every acknowledged save stored, no student with two
attempts in progress, the attempts made for students who had given up. Prints p50/p95/p99 per
step, the failures by kind, and the CPU shares.
"""

# locust runs on gevent, which must patch the standard library before anything else imports it.
from gevent import monkey

monkey.patch_all()

import argparse  # noqa: E402
import contextlib  # noqa: E402
import ctypes  # noqa: E402
import gc  # noqa: E402
import itertools  # noqa: E402
import json  # noqa: E402
import logging  # noqa: E402
import os  # noqa: E402
import secrets  # noqa: E402
import shutil  # noqa: E402
import signal  # noqa: E402
import socket  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import urllib.request  # noqa: E402
import uuid  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402
from pathlib import Path  # noqa: E402

import gevent  # noqa: E402
import psutil  # noqa: E402
import psycopg  # noqa: E402
from locust import FastHttpUser, constant, task  # noqa: E402
from locust.env import Environment  # noqa: E402
from locust.exception import StopUser  # noqa: E402

BENCH_DIR = Path(__file__).resolve().parent
HARNESS_ROOT = BENCH_DIR.parent
LOOPBACK = "127.0.0.1"
PG_URL = "postgres://postgres@127.0.0.1:5432"
BENCH_PACKAGE = "factcards_loadbench"  # the name bench/ is linked under for the measured checkout

# Bounds: whatever the options say, a run stays within these.
MAX_USERS = 500
MAX_ROUNDS = 10
MAX_SECONDS = 120
MAX_BURST = 5000
MAX_DRAIN_SECONDS = 600

# What is seeded: a full run takes load_seed.seed()'s defaults; --quick fewer students and
# (student, quiz) pairs to start, enough for its 3-second windows.
FULL_SEED: dict = {}
QUICK_SEED = {
    "saves": 20,
    "pages": 10,
    "starters": 300,
    "start_quizzes": 3,
    "reviewers": 10,
    "cards": 5,
}


class BenchError(RuntimeError):
    """A set-up step failed; the message says which and why."""


class OutOfTime(BaseException):
    """The run's time bound (--max-minutes) ran out."""


# --- child processes --------------------------------------------------------------------------

_libc = ctypes.CDLL(None, use_errno=True)
PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    # In the child, before exec: if the harness dies without cleaning up (SIGKILL), the kernel
    # sends SIGTERM to the child, so no server outlives the bench.
    _libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def spawn(argv: list[str], *, log: Path, **kwargs) -> subprocess.Popen:
    """A child in its own process group (Ctrl-C reaches the harness only, which stops it)."""
    with log.open("ab") as out:
        return subprocess.Popen(  # noqa: S603
            argv,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
            preexec_fn=_die_with_parent,
            **kwargs,
        )


def stop(process: subprocess.Popen | None, *, grace: float = 10) -> None:
    """SIGTERM to the child's own process group, SIGKILL after `grace` seconds."""
    if process is None or process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=5)


def port_in_use(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex((LOOPBACK, port)) == 0


def wait_until(check, *, seconds: float, what: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise BenchError(f"{what} exited ({process.returncode}):\n{tail(log)}")
        with contextlib.suppress(OSError):
            if check():
                return
        time.sleep(0.2)
    raise BenchError(f"{what} did not answer within {seconds:.0f} s:\n{tail(log)}")


def tail(log: Path, lines: int = 15) -> str:
    try:
        return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


# --- the stack under test ---------------------------------------------------------------------


@dataclass
class Stack:
    """Redis, a database, gunicorn: started in order, stopped and removed in reverse."""

    app_dir: Path
    port: int
    redis_port: int
    db_prefix: str
    workers: int
    worker_class: str
    threads: int
    tmp: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="factcards-load-")))
    # One key for every process: the sessions the seeding signs must hold in gunicorn.
    secret_key: str = field(default_factory=lambda: secrets.token_urlsafe(50))
    db_name: str = ""
    redis: subprocess.Popen | None = None
    gunicorn: subprocess.Popen | None = None
    admin: psycopg.Connection | None = None
    timings: dict = field(default_factory=dict)
    children: list = field(default_factory=list)  # the Django commands, stopped at close()

    @property
    def python(self) -> Path:
        return self.app_dir / ".venv" / "bin" / "python"

    @property
    def gunicorn_log(self) -> Path:
        return self.tmp / "gunicorn.log"

    def env(self) -> dict[str, str]:
        keep = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO", "PYTHON"))}
        return {
            **keep,
            "PYTHONPATH": f"{self.app_dir}{os.pathsep}{self.tmp / 'pkg'}",
            "DJANGO_SETTINGS_MODULE": f"{BENCH_PACKAGE}.settings",
            "DATABASE_URL": f"{PG_URL}/{self.db_name}",
            "CACHE_URL": f"redis://{LOOPBACK}:{self.redis_port}/0",
            "DEBUG": "false",
            "SECRET_KEY": self.secret_key,
            "ALLOWED_HOSTS": f"{LOOPBACK},localhost,testserver",
            "SESSION_COOKIE_SECURE": "false",
            "CSRF_COOKIE_SECURE": "false",
            # Plain HTTP on 127.0.0.1, as `make serve` runs it: no redirect to HTTPS (which
            # answers every request with a 301), no HSTS.
            "SECURE_SSL_REDIRECT": "false",
            "SECURE_HSTS_SECONDS": "0",
            "STATICFILES_MANIFEST": "true",
            "BENCH_STATIC_ROOT": str(self.tmp / "static"),
            "LOG_LEVEL": "WARNING",
        }

    def start(self) -> None:
        if not self.python.exists() or not (self.app_dir / "manage.py").exists():
            raise BenchError(
                f"{self.app_dir} is not a Factcards checkout with a venv "
                f"(no manage.py or .venv/bin/python: run `make .venv/.runtime-installed` there)."
            )
        for port in (self.port, self.redis_port):
            if port_in_use(port):
                raise BenchError(f"port {port} on {LOOPBACK} is taken: choose another.")
        (self.tmp / "pkg").mkdir()
        (self.tmp / "pkg" / BENCH_PACKAGE).symlink_to(BENCH_DIR, target_is_directory=True)

        redis_log = self.tmp / "redis.log"
        self.redis = spawn(
            [
                "redis-server",
                "--port",
                str(self.redis_port),
                "--bind",
                LOOPBACK,
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.tmp),
            ],
            log=redis_log,
        )
        wait_until(
            self._redis_pong, seconds=10, what="redis-server", process=self.redis, log=redis_log
        )

        self.admin = psycopg.connect(f"{PG_URL}/postgres", autocommit=True)
        self._drop_stale_databases()
        self.db_name = f"{self.db_prefix}_{os.getpid()}"
        self.admin.execute(f'CREATE DATABASE "{self.db_name}"')

        self.manage("migrate", "--noinput", "-v0")

    def seed(self, **sizes) -> dict:
        out = self.tmp / "plan.json"
        flags = [f"--{name.replace('_', '-')}={value}" for name, value in sizes.items()]
        self.django("seed", f"--out={out}", *flags)
        return json.loads(out.read_text())

    def serve(self) -> None:
        argv = [
            str(self.app_dir / ".venv" / "bin" / "gunicorn"),
            "quizsite.wsgi:application",
            "--chdir",
            str(self.app_dir),
            "--bind",
            f"{LOOPBACK}:{self.port}",
            "--workers",
            str(self.workers),
            "--worker-class",
            self.worker_class,
            "--threads",
            str(self.threads),
            "--log-level",
            "warning",
        ]
        self.gunicorn = spawn(argv, log=self.gunicorn_log, env=self.env(), cwd=self.app_dir)
        wait_until(
            lambda: fetch_hello(self.port, timeout=2) is not None,
            seconds=60,
            what="gunicorn",
            process=self.gunicorn,
            log=self.gunicorn_log,
        )

    def manage(self, *argv: str) -> None:
        self._run([str(self.python), "manage.py", *argv], what=f"manage.py {argv[0]}")

    def django(self, *argv: str) -> str:
        module = f"{BENCH_PACKAGE}.load_seed"
        return self._run([str(self.python), "-m", module, *argv], what=f"load_seed {argv[0]}")

    def _run(self, argv: list[str], *, what: str) -> str:
        log = self.tmp / f"{what.replace(' ', '-')}.log"
        started = time.monotonic()
        process = spawn(argv, log=log, env=self.env(), cwd=self.app_dir)
        self.children.append(process)
        try:
            if process.wait(timeout=600) != 0:
                raise BenchError(f"{what} failed ({process.returncode}):\n{tail(log, 30)}")
        finally:
            stop(process)
        self.timings[what] = time.monotonic() - started
        return tail(log, 1)

    def _redis_pong(self) -> bool:
        with socket.create_connection((LOOPBACK, self.redis_port), timeout=1) as conn:
            conn.sendall(b"PING\r\n")
            return conn.recv(16).startswith(b"+PONG")

    def _drop_stale_databases(self) -> None:
        """Drop this prefix's databases left by a harness that was killed (its pid is gone)."""
        rows = self.admin.execute(
            "SELECT datname FROM pg_database WHERE datname LIKE %s", [f"{self.db_prefix}\\_%"]
        ).fetchall()
        for (name,) in rows:
            pid = name.rpartition("_")[2]
            if pid.isdigit() and not psutil.pid_exists(int(pid)):
                self.admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def backend_pids(self) -> list[int]:
        """PostgreSQL's processes serving this database (gunicorn's persistent connections)."""
        rows = self.admin.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s", [self.db_name]
        ).fetchall()
        return [pid for (pid,) in rows]

    def close(self) -> None:
        for child in self.children:
            stop(child)
        stop(self.gunicorn)
        stop(self.redis)
        if self.admin is not None:
            if self.db_name:
                with contextlib.suppress(psycopg.Error):
                    self.admin.execute(f'DROP DATABASE IF EXISTS "{self.db_name}" WITH (FORCE)')
            self.admin.close()
        shutil.rmtree(self.tmp, ignore_errors=True)


def fetch_hello(port: int, *, timeout: float) -> float | None:
    """Seconds one GET of the hello view took, or None if it failed."""
    started = time.monotonic()
    try:
        with urllib.request.urlopen(
            f"http://{LOOPBACK}:{port}/bench/hello/", timeout=timeout
        ) as reply:
            if reply.status != 200:
                return None
    except OSError:
        return None
    return time.monotonic() - started


# --- CPU accounting ---------------------------------------------------------------------------

BUSY = ("user", "nice", "system", "irq", "softirq", "steal")


def _cpu(process: psutil.Process) -> float:
    with contextlib.suppress(psutil.Error):
        times = process.cpu_times()
        return times.user + times.system
    return 0.0


@dataclass
class CpuMeter:
    """CPU seconds of each part of the bench over a window, and of the whole machine."""

    stack: Stack
    parts: dict = field(default_factory=dict)

    def _processes(self) -> dict[str, list[psutil.Process]]:
        found: dict[str, list[psutil.Process]] = {"generator": [psutil.Process()]}
        with contextlib.suppress(psutil.Error):
            master = psutil.Process(self.stack.gunicorn.pid)
            found["gunicorn"] = [master, *master.children(recursive=True)]
        with contextlib.suppress(psutil.Error):
            found["redis"] = [psutil.Process(self.stack.redis.pid)]
        found["postgres"] = []
        for pid in self.stack.backend_pids():
            with contextlib.suppress(psutil.Error):
                found["postgres"].append(psutil.Process(pid))
        return found

    def begin(self) -> dict:
        procs = self._processes()
        machine = psutil.cpu_times()
        return {
            "wall": time.monotonic(),
            "machine": sum(getattr(machine, name, 0.0) for name in BUSY),
            "procs": {part: {p.pid: (p, _cpu(p)) for p in ps} for part, ps in procs.items()},
        }

    def end(self, start: dict) -> dict:
        seen_now = self._processes()
        used: dict[str, float] = {}
        for part, processes in seen_now.items():
            before = start["procs"].get(part, {})
            total = 0.0
            for process in processes:
                earlier = before.get(process.pid)
                # A process born in the window (a new backend, a restarted worker): all of it.
                total += _cpu(process) - (earlier[1] if earlier else 0.0)
            used[part] = max(total, 0.0)
        machine = psutil.cpu_times()
        used["machine"] = sum(getattr(machine, name, 0.0) for name in BUSY) - start["machine"]
        used["wall"] = time.monotonic() - start["wall"]
        for part, value in used.items():
            self.parts[part] = self.parts.get(part, 0.0) + value
        return used

    def report(self) -> list[str]:
        p = self.parts
        if not p.get("wall"):
            return []
        ours = sum(p.get(k, 0.0) for k in ("generator", "gunicorn", "postgres", "redis"))
        cores = psutil.cpu_count() or 1
        capacity = p["wall"] * cores

        def share(seconds: float) -> str:
            bench, machine = seconds / ours, seconds / capacity
            return f"{bench:5.1%} of the bench's CPU, {machine:5.1%} of {cores} cores"

        others = max(p["machine"] - ours, 0.0)
        return [
            f"  load generator (locust)     : {share(p.get('generator', 0.0))}",
            f"  gunicorn (master, workers)  : {share(p.get('gunicorn', 0.0))}",
            f"  PostgreSQL (this database)  : {share(p.get('postgres', 0.0))}",
            f"  Redis                       : {share(p.get('redis', 0.0))}",
            f"  everything else on the box  : {others / capacity:5.1%} of {cores} cores"
            " (whatever else runs here, and PostgreSQL's background processes)",
        ]


SERVER_PARTS = ("gunicorn", "postgres", "redis")


# --- recording requests -----------------------------------------------------------------------


@dataclass
class Window:
    """Requests that completed inside the measured part of one round."""

    opened: float = float("inf")
    closed: float = float("inf")
    times: list[float] = field(default_factory=list)  # ms, successes only
    cpu: dict = field(default_factory=dict)  # CPU seconds per part of the bench, in the window
    errors: dict[str, int] = field(default_factory=dict)

    def record(self, request_type, name, response_time, response_length, exception=None, **_):
        now = time.monotonic()
        if not (self.opened <= now <= self.closed):
            return
        if exception is None:
            self.times.append(response_time)
        else:
            reason = (
                str(exception).splitlines()[0][:100] if str(exception) else type(exception).__name__
            )
            self.errors[reason] = self.errors.get(reason, 0) + 1

    @property
    def seconds(self) -> float:
        return self.closed - self.opened

    @property
    def rate(self) -> float:
        return len(self.times) / self.seconds if self.seconds else 0.0


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile (`share` in 0..1) of `values`; NaN when there are none."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, int(share * len(ordered) + 0.5) - 1))]


# --- what the users do ------------------------------------------------------------------------


class Pool:
    """The seeded students and their attempts, handed out in turn to every request."""

    def __init__(self, plan: dict):
        self.plan = plan
        self._saves = itertools.cycle(
            (row["token"], row["attempt"], question, choices)
            for question_round in range(len(plan["saves"][0]["questions"]))
            for row in plan["saves"]
            for question, choices in [row["questions"][question_round]]
        )
        self._pages = itertools.cycle(
            (row["session"], row["attempt"], slot)
            for slot in range(1, len(plan["pages"][0]["questions"]) + 1)
            for row in plan["pages"]
        )
        self._reviews = itertools.cycle(
            (row["token"], card)
            for n in range(len(plan["reviews"][0]["cards"]))
            for row in plan["reviews"]
            for card in [row["cards"][n]]
        )
        self._choice = itertools.count()
        self.reset_starts()

    def reset_starts(self) -> None:
        self.starts_ran_out = False
        starts = self.plan["starts"]
        self._starts = iter(
            (token, quiz) for quiz in starts["quizzes"] for token in starts["tokens"]
        )

    def save(self):
        token, attempt, question, choices = next(self._saves)
        return token, attempt, question, choices[next(self._choice) % len(choices)]

    def page(self):
        return next(self._pages)

    def review(self):
        return next(self._reviews)

    def start(self):
        return next(self._starts, None)


POOL: Pool | None = None


class BenchUser(FastHttpUser):
    abstract = True
    wait_time = constant(0)
    max_redirects = 0  # a redirect (to the login page, say) is an error, not a success
    network_timeout = 60.0
    connection_timeout = 60.0

    def call(self, method: str, path: str, expect: int, *, token=None, session=None, **kwargs):
        self.client.cookiejar.clear()  # every request carries only the credentials it is given
        headers = {}
        if token:
            headers["Authorization"] = f"Token {token}"
        if session:
            headers["Cookie"] = f"sessionid={session}"
        with self.client.request(
            method,
            path,
            headers=headers,
            catch_response=True,
            name=self.__class__.__name__,
            **kwargs,
        ) as reply:
            if reply.status_code != expect:
                reply.failure(f"HTTP {reply.status_code} (expected {expect})")
            return reply


class Hello(BenchUser):
    @task
    def send(self):
        self.call("GET", "/bench/hello/", 200)


class Save(BenchUser):
    @task
    def send(self):
        token, attempt, question, choice = POOL.save()
        self.call(
            "PUT",
            f"/api/attempts/{attempt}/answers/{question}/",
            200,
            token=token,
            json={"answer": choice},
        )


class Page(BenchUser):
    @task
    def send(self):
        session, attempt, slot = POOL.page()
        self.call("GET", f"/attempts/{attempt}/?q={slot}", 200, session=session)


class Start(BenchUser):
    @task
    def send(self):
        pair = POOL.start()
        if pair is None:
            POOL.starts_ran_out = True  # every (student, quiz) pair has started this round
            raise StopUser()
        token, quiz = pair
        self.call("POST", f"/api/quizzes/{quiz}/attempts/", 201, token=token)


class Review(BenchUser):
    @task
    def send(self):
        token, card = POOL.review()
        self.call(
            "POST",
            f"/api/cards/{card}/review/",
            201,
            token=token,
            json={"rating": "good", "client_review_id": uuid.uuid4().hex},
        )


@dataclass(frozen=True)
class Scenario:
    key: str
    label: str
    user: type
    users: int


def scenarios(users: int, many: int) -> list[Scenario]:
    return [
        Scenario("hello", "hello view (JSON, no database)", Hello, users),
        Scenario("save", "answer save (PUT …/answers/{q}/)", Save, users),
        Scenario("page", "attempt page (session)", Page, users),
        Scenario("start", "start an attempt (20 questions)", Start, users),
        Scenario("review", "flashcard review (POST …/review/)", Review, users),
        Scenario(f"save@{many}", f"answer save at {many} connections", Save, many),
        Scenario(f"hello@{many}", f"hello view at {many} connections", Hello, many),
    ]


class _QuietSpawnRate(logging.Filter):
    """Drop locust's advice against fast ramp-ups: a closed loop here starts all users at once."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "spawn rate is very high" not in record.getMessage()


logging.getLogger("locust.runners").addFilter(_QuietSpawnRate())


def run_window(
    stack: Stack, meter: CpuMeter, user: type, users: int, warmup: float, seconds: float
) -> Window:
    """`users` closed-loop users for warmup + seconds; only the last `seconds` are kept."""
    window = Window()
    env = Environment(user_classes=[user], host=f"http://{LOOPBACK}:{stack.port}")
    env.events.request.add_listener(window.record)
    runner = env.create_local_runner()
    runner.start(users, spawn_rate=max(users * 20, 100))
    gevent.sleep(warmup)
    cpu = meter.begin()
    window.opened = time.monotonic()
    gevent.sleep(seconds)
    window.closed = time.monotonic()
    window.cpu = meter.end(cpu)
    runner.quit()
    # The stopped users' greenlets and sockets go now, not during the next window.
    del runner, env
    gc.collect()
    settle(stack.port)
    return window


SETTLED_TCP_STATES = (psutil.CONN_LISTEN, psutil.CONN_TIME_WAIT, psutil.CONN_CLOSE)


def open_connections(port: int) -> int | None:
    """Client connections to the server's port not yet closed on both sides (None: not known)."""
    try:
        found = psutil.net_connections(kind="tcp")
    except (psutil.AccessDenied, OSError):
        return None
    return sum(
        1 for c in found if c.laddr and c.laddr.port == port and c.status not in SETTLED_TCP_STATES
    )


def settle(port: int, *, seconds: float = 60) -> float:
    """Wait until the server has answered what the stopped users left in flight.

    Stopped users drop their connections, but gunicorn still serves what sat in its backlog (a
    connection it has not yet read stays open on its side), and a window that started then would
    share the server with that leftover work. So: wait until no client connection to the port is
    open (where the system lets this process see them), then until a hello request goes straight
    through. Returns the seconds waited.
    """
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        if not open_connections(port):
            break
        time.sleep(0.2)
    while time.monotonic() - started < seconds:
        took = fetch_hello(port, timeout=seconds)
        if took is not None and took < 0.5:
            break
    return time.monotonic() - started


# --- the rounds -------------------------------------------------------------------------------


def fmt_ms(value: float) -> str:
    if value != value:  # NaN: no successful request
        return "—"
    if value < 10:
        return f"{value:.1f} ms"
    return f"{value:.0f} ms" if value < 1000 else f"{value / 1000:.2f} s"


def fmt_range(values: list[float], digits: int) -> str:
    if len(values) < 2:
        return ""
    return f" ({min(values):.{digits}f}–{max(values):.{digits}f})"


def load_rounds(args, stack: Stack, meter: CpuMeter, plan: dict) -> int:
    global POOL
    POOL = Pool(plan)
    chosen = scenarios(args.users, args.many)
    windows: dict[str, list[Window]] = {s.key: [] for s in chosen}
    total = args.rounds * len(chosen)
    step = 0
    for round_number in range(1, args.rounds + 1):
        for scenario in chosen:
            step += 1
            if scenario.key == "start" and round_number > 1:
                stack.django("reset-starts", f"--plan={stack.tmp / 'plan.json'}")
                POOL.reset_starts()
            print(
                f"  [{step}/{total}] round {round_number}: {scenario.key} ({scenario.users} users)",
                end="",
                flush=True,
            )
            window = run_window(
                stack, meter, scenario.user, scenario.users, args.warmup, args.seconds
            )
            windows[scenario.key].append(window)
            errors = sum(window.errors.values())
            print(f": {window.rate:.1f} req/s" + (f", {errors} errors" if errors else ""))
            if scenario.key == "start" and POOL.starts_ran_out:
                print(
                    "    every seeded (student, quiz) pair had started: the rate is too low;"
                    " seed more starters (load_seed.seed, QUICK_SEED)"
                )

    def ratios(key: str, base: str = "hello") -> list[float]:
        return [w.rate / h.rate for w, h in zip(windows[key], windows[base], strict=True) if h.rate]

    print()
    print(
        f"{'endpoint':<34} {'users':>5} {'req/s':>15} {'p50':>7} {'p95':>7} {'p99':>7} "
        f"{'errors':>6} {'CPU/req':>7} {'by CPU':>6}  ratio to hello, same round"
    )

    def cpu_per_request(key: str) -> float:
        served = sum(w.cpu.get(part, 0.0) for w in windows[key] for part in SERVER_PARTS)
        count = sum(len(w.times) for w in windows[key])
        return served * 1000 / count if count else float("nan")

    results = {}
    for scenario in chosen:
        rates = [w.rate for w in windows[scenario.key]]
        times = [t for w in windows[scenario.key] for t in w.times]
        errors = sum(sum(w.errors.values()) for w in windows[scenario.key])
        base = "hello" if scenario.users == args.users else f"hello@{args.many}"
        ratio = ratios(scenario.key, base)
        results[scenario.key] = {
            "ratio": statistics.median(ratio) if ratio else 0.0,
            "p99": percentile(times, 0.99),
        }
        ratio_text = (
            "1"
            if scenario.key == base
            else f"{statistics.median(ratio):.3f}{fmt_range(ratio, 3)}"
            if ratio
            else "—"
        )
        req = f"{statistics.median(rates):.1f}{fmt_range(rates, 0)}"
        print(
            f"{scenario.label:<34} {scenario.users:>5} {req:>15} "
            f"{fmt_ms(percentile(times, 0.50)):>7} {fmt_ms(percentile(times, 0.95)):>7} "
            f"{fmt_ms(percentile(times, 0.99)):>7} {errors:>6} "
            f"{fmt_ms(cpu_per_request(scenario.key)):>7} "
            f"{cpu_per_request(base) / cpu_per_request(scenario.key):>6.3f}  {ratio_text}"
        )
    for scenario in chosen:
        for window in windows[scenario.key]:
            for reason, count in window.errors.items():
                print(f"  error, {scenario.key}: {reason} ×{count}")

    counts = {int(size): n for size, n in plan["start_queries"].items()}
    print()
    print(
        "queries of one start (POST /api/quizzes/{slug}/attempts/, test client, this database): "
        + ", ".join(f"{n} for {size} questions" for size, n in sorted(counts.items()))
    )
    print("CPU over the measured windows:")
    print("\n".join(meter.report()))

    def verdict(ok: bool) -> str:
        return "met" if ok else "MISSED"

    r = results
    many_p99 = r[f"save@{args.many}"]["p99"] / r[f"hello@{args.many}"]["p99"]
    print("targets (issue 16, ratios to the hello view):")
    for label, value, goal in [
        ("answer save", r["save"]["ratio"], 0.30),
        ("attempt page", r["page"]["ratio"], 0.20),
        ("start (20 questions)", r["start"]["ratio"], 0.10),
        ("flashcard review", r["review"]["ratio"], 0.25),
    ]:
        print(f"  {label:<38}: {value:.3f} (target >= {goal:.2f}: {verdict(value >= goal)})")
    print(
        f"  p99 of a save at {args.many} / hello at {args.many}: {many_p99:.1f}× "
        f"(target <= 3×: {verdict(many_p99 <= 3)})"
    )
    same = len(set(counts.values())) == 1
    print(
        f"  start queries, 5 and 50 questions   : {counts.get(5)} and {counts.get(50)} "
        f"(the same: {verdict(same)})"
    )
    return 0


# --- the exam burst ---------------------------------------------------------------------------


@dataclass
class BurstLog:
    t0: float = 0.0
    spread: float = 60.0
    times: dict = field(default_factory=lambda: {"start": [], "save": [], "finish": []})
    failed_times: list = field(default_factory=list)  # ms a failed request took (to give up)
    failures: dict = field(default_factory=dict)
    acks: dict = field(default_factory=lambda: {"starts": [], "saves": [], "finishes": []})
    done: int = 0
    completed: int = 0

    def fail(self, step: str, reason: str) -> None:
        key = f"{step}: {reason}"
        self.failures[key] = self.failures.get(key, 0) + 1


BURST = BurstLog()


def failure_reason(error: BaseException | None, status: int) -> str:
    """ "HTTP 503", or why there was no answer ("timed out", "[Errno 111] Connection refused")."""
    if status:
        return f"HTTP {status}"
    # geventhttpclient wraps the cause: "…, original=timed out"
    text = getattr(error, "kw_text", "") or ""
    if text.startswith("original="):
        return f"no answer: {text.removeprefix('original=')[:60]}"
    return f"no answer: {type(error).__name__}"


class ExamStudent(FastHttpUser):
    """One student: start the exam at their moment, save 5 answers, finish; then stop."""

    wait_time = constant(0)
    max_redirects = 0
    _numbers = itertools.count()

    def on_start(self):
        self.number = next(self._numbers)
        self.token = BURST_TOKENS[self.number]

    def _call(self, step: str, method: str, path: str, expect: int, **kwargs) -> dict | None:
        """The JSON the server answered with, or None (the failure is counted by its kind)."""
        started = time.monotonic()
        headers = {"Authorization": f"Token {self.token}"}
        with self.client.request(
            method, path, headers=headers, name=step, catch_response=True, **kwargs
        ) as reply:
            elapsed = (time.monotonic() - started) * 1000
            error = getattr(reply, "error", None)
            if error is not None or reply.status_code != expect:
                reason = failure_reason(error, reply.status_code)
                reply.failure(reason)
                BURST.fail(step, reason)
                BURST.failed_times.append(elapsed)
                return None
            BURST.times[step].append(elapsed)
            return reply.json()

    @task
    def sit_exam(self):
        try:
            self._sit_exam()
        except Exception as exc:  # a bug of the harness: counted, never silent
            BURST.fail("harness", f"{type(exc).__name__}: {exc}"[:100])
        finally:
            BURST.done += 1
        raise StopUser()

    def _sit_exam(self):
        at = BURST.t0 + BURST.spread * self.number / max(len(BURST_TOKENS), 1)
        gevent.sleep(max(0.0, at - time.monotonic()))
        attempt = self._call("start", "POST", f"/api/quizzes/{BURST_QUIZ}/attempts/", 201)
        if attempt is None:
            return  # the student gives up (or sees an error page)
        BURST.acks["starts"].append(attempt["id"])
        ok = True
        for item in attempt["questions"][:5]:
            question = item["question"]
            choice = question["choices"][0]["id"]
            saved = self._call(
                "save",
                "PUT",
                f"/api/attempts/{attempt['id']}/answers/{question['id']}/",
                200,
                json={"answer": choice},
            )
            if saved is None:
                ok = False
            else:
                BURST.acks["saves"].append([attempt["id"], question["id"], choice])
        if self._call("finish", "POST", f"/api/attempts/{attempt['id']}/finish/", 200) is not None:
            BURST.acks["finishes"].append(attempt["id"])
            BURST.completed += ok


BURST_TOKENS: list[str] = []
BURST_QUIZ = ""


def burst(args, stack: Stack, meter: CpuMeter, plan: dict) -> int:
    global BURST_QUIZ
    BURST_TOKENS[:] = plan["burst"]["tokens"]
    BURST_QUIZ = plan["burst"]["quiz"]
    students = len(BURST_TOKENS)
    ExamStudent.network_timeout = ExamStudent.connection_timeout = args.burst_timeout
    BURST.spread = args.burst_seconds
    env = Environment(user_classes=[ExamStudent], host=f"http://{LOOPBACK}:{stack.port}")
    runner = env.create_local_runner()
    BURST.t0 = time.monotonic() + 2.0  # every student is spawned (and waiting) before the first
    cpu = meter.begin()
    runner.start(students, spawn_rate=max(students, 100))
    limit = BURST.t0 + args.burst_seconds + 7 * args.burst_timeout + 30
    last = 0.0
    while BURST.done < students and time.monotonic() < limit:
        gevent.sleep(1)
        if time.monotonic() - last >= 10 and time.monotonic() >= BURST.t0:
            last = time.monotonic()
            print(
                f"  {time.monotonic() - BURST.t0:5.0f} s: {len(BURST.acks['starts'])} started, "
                f"{BURST.done} of {students} done, {sum(BURST.failures.values())} failures",
                flush=True,
            )
    clients_done = time.monotonic()
    if BURST.done < students:
        print(f"  stopping the {students - BURST.done} students still waiting (time bound)")
    runner.quit()

    # The server may still be working on requests from clients that have left.
    settle(stack.port, seconds=MAX_DRAIN_SECONDS)
    drained = time.monotonic() - clients_done
    meter.end(cpu)

    acks_file = stack.tmp / "acks.json"
    acks_file.write_text(json.dumps(BURST.acks))
    plan_file = stack.tmp / "plan.json"
    check = json.loads(stack.django("check-burst", f"--plan={plan_file}", f"--acks={acks_file}"))
    timeouts = stack.gunicorn_log.read_text(errors="replace").count("WORKER TIMEOUT")

    answered = [t for step in BURST.times.values() for t in step]
    every = answered + BURST.failed_times
    print()
    print(
        f"exam burst: {students} students, starts spread over {args.burst_seconds:.0f} s, "
        f"each start → 5 saves → finish; a client gives up after {args.burst_timeout:.0f} s"
    )
    print(f"{'step':<8} {'requests':>8} {'p50':>8} {'p95':>8} {'p99':>8}")
    # Per step: the requests answered as expected. "all" adds the failed ones at the time they
    # took (a client giving up after 30 s counts as 30 s).
    for step, times in [*BURST.times.items(), ("answered", answered), ("all", every)]:
        print(
            f"{step:<8} {len(times):>8} {fmt_ms(percentile(times, 0.5)):>8} "
            f"{fmt_ms(percentile(times, 0.95)):>8} {fmt_ms(percentile(times, 0.99)):>8}"
        )
    failures = sum(BURST.failures.values())
    print(f"students whose start, 5 saves and finish went through: {BURST.completed} of {students}")
    print(f"failures: {failures}" + ("" if failures else " (none)"))
    for reason, count in sorted(BURST.failures.items(), key=lambda kv: -kv[1]):
        print(f"  {reason} ×{count}")
    print(f"gunicorn worker timeouts (killed mid-request): {timeouts}")
    print(f"the server went on working {drained:.0f} s after the last client stopped")
    print("the database afterwards:")
    print(f"  attempts made                 : {check['attempts']} {check['attempts_by_state']}")
    print(
        f"  starts acknowledged           : {check['starts_acknowledged']} "
        f"(attempts nobody was told of: {check['attempts_nobody_was_told_of']})"
    )
    print(
        f"  saves acknowledged            : {check['saves_acknowledged']}, "
        f"not stored: {check['saves_lost']} {check['saves_lost_examples'] or ''}"
    )
    print(
        f"  finishes acknowledged         : {check['finishes_acknowledged']}, "
        f"not finished in the database: {check['finishes_not_stored']}"
    )
    print(f"  students with two in progress : {check['students_with_two_in_progress']}")
    print("CPU over the burst and the drain:")
    print("\n".join(meter.report()))

    def verdict(ok: bool) -> str:
        return "met" if ok else "MISSED"

    p99 = percentile(every, 0.99)
    safe = (
        check["saves_lost"] == 0
        and check["students_with_two_in_progress"] == 0
        and check["finishes_not_stored"] == 0
    )
    print("targets (issue 16):")
    print(f"  0 errors                      : {failures} ({verdict(failures == 0)})")
    print(
        f"  p99 < 2 s                     : {fmt_ms(p99)} ({verdict(p99 < 2000)}; every request,"
        " a failed one at the time it took)"
    )
    print(f"  nothing lost or doubled       : {verdict(safe)}")
    return 0 if safe else 1


# --- main -------------------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="one short round (under a minute)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--users", type=int, default=10, help="concurrent users per round")
    parser.add_argument("--many", type=int, default=100, help="the users of the save@N round")
    parser.add_argument("--warmup", type=float, default=3.0, help="seconds before measuring")
    parser.add_argument("--seconds", type=float, default=10.0, help="seconds measured per round")
    parser.add_argument("--burst", type=int, default=0, metavar="N", help="the exam start burst")
    parser.add_argument("--burst-seconds", type=float, default=60.0)
    parser.add_argument("--burst-timeout", type=float, default=30.0)
    parser.add_argument(
        "--app-dir",
        type=Path,
        default=HARNESS_ROOT,
        help="the checkout to serve (with its own .venv); default: this one",
    )
    parser.add_argument("--port", type=int, default=8160, help="gunicorn's port on 127.0.0.1")
    parser.add_argument("--redis-port", type=int, default=8161)
    parser.add_argument(
        "--db-prefix",
        default="bench_h16_load",
        help="the database is <prefix>_<pid>, made and dropped by the bench",
    )
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--worker-class", default="sync", choices=["sync", "gthread"])
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument(
        "--max-minutes",
        type=float,
        default=30.0,
        help="stop (and clean up) after this long, whatever is running",
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.rounds, args.warmup, args.seconds = 1, 1.0, 3.0
    problems = [
        f"--{name} must be from {low} to {high}"
        for name, value, low, high in [
            ("rounds", args.rounds, 1, MAX_ROUNDS),
            ("users", args.users, 1, MAX_USERS),
            ("many", args.many, 1, MAX_USERS),
            ("seconds", args.seconds, 1, MAX_SECONDS),
            ("warmup", args.warmup, 0, MAX_SECONDS),
            ("burst", args.burst, 0, MAX_BURST),
            ("burst-seconds", args.burst_seconds, 1, 600),
            ("burst-timeout", args.burst_timeout, 1, 120),
            ("workers", args.workers, 1, 32),
            ("threads", args.threads, 1, 64),
            ("max-minutes", args.max_minutes, 1, 120),
        ]
        if not low <= value <= high
    ]
    if not args.db_prefix.startswith("bench_") or not args.db_prefix.replace("_", "").isalnum():
        problems.append("--db-prefix must start with bench_ and hold only letters, digits and _")
    if problems:
        parser.error("; ".join(problems))
    args.app_dir = args.app_dir.resolve()
    return args


def commit_of(checkout: Path) -> str:
    found = subprocess.run(  # noqa: S603
        ["git", "-C", str(checkout), "log", "-1", "--format=%h %s"],  # noqa: S607
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    return found[:80] or "not a git checkout"


def describe(args, stack: Stack) -> None:
    threads = f", {args.threads} threads" if args.threads > 1 else ""
    print(f"Load bench: serving {args.app_dir} ({commit_of(args.app_dir)})")
    if args.app_dir != HARNESS_ROOT:
        print(f"  harness, bench settings and seeding from {BENCH_DIR} ({commit_of(HARNESS_ROOT)})")
    print(
        f"  gunicorn {args.workers} {args.worker_class} workers{threads} "
        f"on {LOOPBACK}:{args.port}, "
        f"PostgreSQL database {stack.db_name}, Redis on :{args.redis_port}, DEBUG off"
    )
    one, five, fifteen = os.getloadavg()
    print(
        f"  {psutil.cpu_count()} cores, load average {one:.2f} {five:.2f} {fifteen:.2f} "
        "(1, 5, 15 min) before the run"
    )


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)

    # Ctrl-C, SIGTERM and the time bound all end up as an exception in this (the main)
    # greenlet, wherever it waits, so the `finally` below always cleans up. Installed explicitly:
    # a shell starts background jobs with SIGINT ignored, and Python then leaves it so.
    main_greenlet = gevent.getcurrent()
    cleaning = False

    def interrupt(exception: type[BaseException]) -> None:
        if not cleaning:
            main_greenlet.throw(exception)

    watchers = [
        gevent.signal_handler(signal.SIGINT, interrupt, KeyboardInterrupt),
        gevent.signal_handler(signal.SIGTERM, interrupt, KeyboardInterrupt),
    ]
    deadline = gevent.spawn_later(args.max_minutes * 60, interrupt, OutOfTime)
    stack = Stack(
        app_dir=args.app_dir,
        port=args.port,
        redis_port=args.redis_port,
        db_prefix=args.db_prefix,
        workers=args.workers,
        worker_class=args.worker_class,
        threads=args.threads,
    )
    started = time.monotonic()
    try:
        print("setting up: Redis, database, migrate, collectstatic, seed…", flush=True)
        stack.start()
        sizes = QUICK_SEED if args.quick else FULL_SEED
        if args.burst:
            sizes = {
                "saves": 1,
                "pages": 1,
                "starters": 1,
                "start_quizzes": 1,
                "reviewers": 1,
                "cards": 1,
                "burst": args.burst,
            }
        # collectstatic and the seeding are independent: run them side by side.
        static = gevent.spawn(stack.manage, "collectstatic", "--noinput", "-v0")
        try:
            plan = stack.seed(**sizes)
        except BaseException:
            static.kill()
            raise
        static.get()
        stack.serve()
        describe(args, stack)
        steps = ", ".join(f"{what} {took:.0f} s" for what, took in stack.timings.items())
        print(f"  set up in {time.monotonic() - started:.0f} s ({steps})", flush=True)
        meter = CpuMeter(stack)
        if args.burst:
            status = burst(args, stack, meter, plan)
        else:
            status = load_rounds(args, stack, meter, plan)
        one, five, fifteen = os.getloadavg()
        print(
            f"load average after the run: {one:.2f} {five:.2f} {fifteen:.2f}; "
            f"{time.monotonic() - started:.0f} s in all"
        )
        return status
    except BenchError as exc:
        print(f"\nload bench: {exc}", file=sys.stderr)
        return 2
    except OutOfTime:
        print(f"\nload bench: stopped after --max-minutes {args.max_minutes:g}", file=sys.stderr)
        return 3
    except KeyboardInterrupt:
        print("\nload bench: interrupted", file=sys.stderr)
        return 130
    finally:
        cleaning = True
        deadline.kill()
        stack.close()
        for watcher in watchers:
            watcher.cancel()


if __name__ == "__main__":
    sys.exit(main())
