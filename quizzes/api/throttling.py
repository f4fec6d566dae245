"""Rate limits: per user, per anonymous address, and stricter scopes for guessable calls.

DRF's throttles copy `DEFAULT_THROTTLE_RATES` into a class attribute when they are imported, so a
changed setting (an environment variable read at start-up is fine, a test's `settings` fixture is
not) would be ignored. These read the rates at request time instead. Counts live in the default
cache; with several server processes that cache must be shared (Redis, Memcached) for the limits
to hold across processes.
"""

from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, ScopedRateThrottle, UserRateThrottle


class _LiveRates:
    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)


class AnonThrottle(_LiveRates, AnonRateThrottle):
    """Anonymous calls, counted per client address."""


class UserThrottle(_LiveRates, UserRateThrottle):
    """Authenticated calls, counted per user."""


class ScopedThrottle(_LiveRates, ScopedRateThrottle):
    """Views that set `throttle_scope` (`login`, `check`) get that stricter limit on top.

    Counted per user when signed in, else per address, so a password or an answer cannot be
    brute-forced.
    """
