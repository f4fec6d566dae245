"""Rate limits: per user, per anonymous address, and stricter scopes for guessable calls.

Counted in fixed windows (`600/min`: at most 600 calls from 12:00:00 to 12:00:59, a fresh count
from 12:01:00): one counter per user (or address) and window, added to in one round trip to the
cache (`quizzes.redis_cache.count_hit`). DRF's own throttles keep every request's time in a
list that they read, trim and write back on each call (two round trips and a list of up to 600
floats pickled per request); a window lets a client spend its allowance at the end of one
minute and again at the start of the next, which these limits (against scraping and guessing,
not exact quotas) can afford. A refused call is told when its window ends (`Retry-After`).

The rates are read at request time: DRF copies `DEFAULT_THROTTLE_RATES` into a class attribute
on import, so a changed setting (a test's `settings` fixture) would be ignored. Counts live in
the default cache; with several server processes that cache must be shared (`CACHE_URL`) for
the limits to hold across processes.
"""

import time

from rest_framework.settings import api_settings
from rest_framework.throttling import (
    AnonRateThrottle,
    ScopedRateThrottle,
    SimpleRateThrottle,
    UserRateThrottle,
)

from quizzes.redis_cache import count_hit


class _WindowCount(SimpleRateThrottle):
    cache_format = "throttle:%(scope)s:%(ident)s"
    wait_seconds: float | None = None

    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def allow_request(self, request, view):
        if self.rate is None:
            return True
        key = self.get_cache_key(request, view)
        if key is None:
            return True
        now = time.time()
        window = int(now // self.duration)
        count = count_hit(self.cache, f"{key}:{window}", window_seconds=self.duration)
        if count <= self.num_requests:
            return True
        self.wait_seconds = (window + 1) * self.duration - now
        return False

    def wait(self):
        return self.wait_seconds


class AnonThrottle(AnonRateThrottle, _WindowCount):
    """Anonymous calls, counted per client address."""


class UserThrottle(UserRateThrottle, _WindowCount):
    """Authenticated calls, counted per user."""


class ScopedThrottle(ScopedRateThrottle, _WindowCount):
    """Views that set `throttle_scope` (`login`, `check`) get that stricter limit on top.

    Counted per user when signed in, else per address, so a password or an answer cannot be
    brute-forced.
    """
