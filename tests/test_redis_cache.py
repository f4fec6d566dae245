"""The Redis cache that CACHE_URL selects: one client per process, a counter in one round trip.

Runs against a real Redis (REDIS_URL, by default redis://127.0.0.1:6379/0, as in CI) under a
key prefix of its own; without a Redis server these tests fail rather than skip.
"""

import os
import threading
import uuid
from contextlib import contextmanager

import pytest
from django.core.cache import cache as default_cache

from quizzes.redis_cache import PooledRedisCache, count_hit

REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")


@pytest.fixture
def redis_cache():
    cache = PooledRedisCache(REDIS_URL, {"KEY_PREFIX": f"factcards-test-{uuid.uuid4().hex}"})
    yield cache
    client = cache._cache.get_client(write=True)
    for key in client.scan_iter(match=f"{cache.key_prefix}*"):
        client.delete(key)


def test_every_cache_object_in_a_process_shares_one_client(redis_cache):
    # Django's handler makes a cache object per thread; they all reach the one client and pool.
    others = []
    thread = threading.Thread(
        target=lambda: others.append(PooledRedisCache(REDIS_URL, {})._cache.get_client())
    )
    thread.start()
    thread.join()
    client = redis_cache._cache.get_client()
    assert others == [client]
    assert redis_cache._cache.get_client(write=True) is client
    redis_cache.set("greeting", {"hello": 1})
    assert redis_cache.get("greeting") == {"hello": 1}
    assert client.connection_pool is others[0].connection_pool


@contextmanager
def pipelines_sent(cache):
    """The commands of each pipeline that `cache`'s client executes meanwhile."""
    client = cache._cache.get_client(write=True)
    sent: list[list[str]] = []
    original = type(client).pipeline

    def recording_pipeline(self, *args, **kwargs):
        pipe = original(self, *args, **kwargs)
        real_execute = pipe.execute

        def execute(*a, **k):
            sent.append([command[0][0] for command in pipe.command_stack])
            return real_execute(*a, **k)

        pipe.execute = execute
        return pipe

    type(client).pipeline = recording_pipeline
    try:
        yield sent
    finally:
        type(client).pipeline = original


def test_count_hit_counts_in_one_round_trip_and_expires_with_the_window(redis_cache):
    client = redis_cache._cache.get_client(write=True)
    with pipelines_sent(redis_cache) as sent:
        counts = [count_hit(redis_cache, "hits", window_seconds=60) for _ in range(3)]
    assert counts == [1, 2, 3]
    assert sent == [["SET", "INCRBY"]] * 3  # one pipeline, one round trip, per hit
    full_key = redis_cache.make_and_validate_key("hits")
    assert 0 < client.ttl(full_key) <= 60  # the window's first hit set its lifetime
    assert redis_cache.get("hits") == 3  # readable through the cache API too


def test_count_hit_through_djangos_cache_proxy_is_one_round_trip_too(redis_cache, settings):
    # DRF's throttles hold `django.core.cache.cache`, a proxy that isinstance does not see
    # through: the throttles' own hits must not take the fallback (SET NX, EXISTS, INCR).
    settings.CACHES = {
        "default": {
            "BACKEND": "quizzes.redis_cache.PooledRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": redis_cache.key_prefix,
        }
    }
    with pipelines_sent(redis_cache) as sent:
        counts = [count_hit(default_cache, "proxied", window_seconds=60) for _ in range(2)]
    assert counts == [1, 2]
    assert sent == [["SET", "INCRBY"]] * 2


def test_count_hit_from_many_threads_loses_no_hit(redis_cache):
    def hammer():
        for _ in range(50):
            count_hit(redis_cache, "race", window_seconds=60)

    threads = [threading.Thread(target=hammer) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert redis_cache.get("race") == 200
