"""Django's Redis cache with one client per server process, and a counter in one round trip.

Django's `RedisCache` keeps a connection pool per cache object, and the cache handler makes a
cache object per thread; each call then builds a new `redis.Redis` client on that pool (some
50 µs: the client copies its table of response callbacks). Here every cache object in a process
that names the same server shares one pool and one client (a `redis.Redis` on a pool is safe
to share between threads: each command borrows a connection), so a request pays for neither.
redis-py's pool notices a fork and opens fresh connections in the child, so gunicorn's workers
never share a socket.

`count_hit()` is what the API throttles count with: one pipelined round trip (`SET … NX EX` to
open the window, then `INCR`) instead of DRF's read of the whole request history and its write
back. With any other cache (the per-process default) it falls back to `add()` + `incr()`.
"""

from __future__ import annotations

import threading

from django.core.cache import BaseCache, caches
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from django.utils.connection import ConnectionProxy

_clients: dict[tuple, object] = {}
_clients_lock = threading.Lock()


class PooledRedisCacheClient(RedisCacheClient):
    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        ident = (self._servers[index], tuple(sorted(self._pool_options.items(), key=str)))
        client = _clients.get(ident)
        if client is None:
            with _clients_lock:
                client = _clients.get(ident)
                if client is None:
                    pool = self._pool_class.from_url(self._servers[index], **self._pool_options)
                    client = _clients[ident] = self._client(connection_pool=pool)
        return client


class PooledRedisCache(RedisCache):
    """`django.core.cache.backends.redis.RedisCache` on one shared client per process."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = PooledRedisCacheClient


def count_hit(cache: BaseCache, key: str, *, window_seconds: int) -> int:
    """Add one to the counter `key`, which lives `window_seconds` from its first hit; the count.

    `cache` may be `django.core.cache.cache` (what DRF's throttles hold): a proxy to this
    thread's cache object, which `isinstance` does not see through, so it is unwrapped first
    (else every hit took the fallback's three round trips: SET NX, EXISTS, INCR).
    """
    if isinstance(cache, ConnectionProxy):
        cache = caches[cache._alias]
    if isinstance(cache, RedisCache):
        full_key = cache.make_and_validate_key(key)
        pipeline = cache._cache.get_client(full_key, write=True).pipeline(transaction=False)
        # An integer the cache's serializer stores as is, so `cache.get(key)` reads it too.
        pipeline.set(full_key, 0, ex=window_seconds, nx=True)
        pipeline.incr(full_key)
        return int(pipeline.execute()[1])
    cache.add(key, 0, timeout=window_seconds)
    try:
        return cache.incr(key)
    except ValueError:  # expired between the two calls: this hit opens a new window
        cache.set(key, 1, timeout=window_seconds)
        return 1
