"""gunicorn's settings for `make serve` (gunicorn reads ./gunicorn.conf.py by itself).

Sized from the machine: one worker process per core the server may use, each with
GUNICORN_THREADS (4) threads (`gthread`), so a worker keeps its core busy while one request
waits on PostgreSQL or Redis, and a slow client never holds a whole process. Every thread keeps
its own database connection open (CONN_MAX_AGE, checked before reuse: CONN_HEALTH_CHECKS), so
PostgreSQL must allow workers × threads connections per app server (8 on two cores).

Overload: a worker holds at most GUNICORN_CONNECTIONS (threads × 64) open connections, and the
kernel queues at most GUNICORN_BACKLOG (1,024) more: a queue the server works off well within
a client's patience (at two cores, a few seconds of requests); past that a new connection waits
in the client's SYN retries instead of joining a queue the server cannot reach in time.
(gunicorn's defaults, 1,000 connections per worker and a backlog of 2,048, let a burst queue
minutes of work that the server then did for clients that had long given up; the tighter
bounds tried first, threads × 16 and 64, left the server half idle while clients sat in SYN
retries.) A request that runs longer than GUNICORN_TIMEOUT (30 s) has its worker restarted.
The README ("Production") says why, with the figures at twice the capacity.

Every value can be overridden from the environment or the command line (a flag wins).
"""

import os


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    return int(raw) if raw else default


bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = _int("WEB_CONCURRENCY", len(os.sched_getaffinity(0)))
worker_class = "gthread"
threads = _int("GUNICORN_THREADS", 4)
worker_connections = _int("GUNICORN_CONNECTIONS", threads * 64)
backlog = _int("GUNICORN_BACKLOG", 1024)
timeout = _int("GUNICORN_TIMEOUT", 30)
graceful_timeout = 30
keepalive = 5
