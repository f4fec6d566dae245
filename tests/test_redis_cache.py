"""The Redis cache that CACHE_URL selects: one client per process, a counter in one round trip.

Runs against a real Redis (REDIS_URL, by default redis://127.0.0.1:6379/0, as in CI) under a
key prefix of its own; without a Redis server these tests fail rather than skip.
"""

import os
import threading
import uuid

import pytest

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


def test_count_hit_counts_in_one_round_trip_and_expires_with_the_window(redis_cache):
    client = redis_cache._cache.get_client(write=True)
    sent = []
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
        counts = [count_hit(redis_cache, "hits", window_seconds=60) for _ in range(3)]
    finally:
        type(client).pipeline = original
    assert counts == [1, 2, 3]
    assert sent == [["SET", "INCRBY"]] * 3  # one pipeline, one round trip, per hit
    full_key = redis_cache.make_and_validate_key("hits")
    assert 0 < client.ttl(full_key) <= 60  # the window's first hit set its lifetime
    assert redis_cache.get("hits") == 3  # readable through the cache API too


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
