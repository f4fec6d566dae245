"""Limits on the account pages: so many password resets per e-mail and per client address,
so many sign-ups per client address, in fixed windows of an hour.

Counted in the database (`ThrottleCount`): one conditional UPDATE per hit, so the limit holds
across every server process without a shared cache, and two requests racing on the same
window cannot both slip under it. django-ratelimit would need an atomic shared cache (its own
checks refuse the per-process and the database caches), which the default set-up does not have.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import HttpRequest

from quizzes.models import ThrottleCount

WINDOW = timedelta(hours=1)


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    retry_after: timedelta  # until the window ends (0 when allowed)

    @property
    def retry_minutes(self) -> int:
        return max(1, -(-int(self.retry_after.total_seconds()) // 60))


def client_address(request: HttpRequest) -> str:
    """The client's IP address: REMOTE_ADDR, or behind a trusted proxy (BEHIND_PROXY) the
    address the proxy appended to X-Forwarded-For (the last one: the others can be forged)."""
    if settings.SECURE_PROXY_SSL_HEADER:
        forwarded = [a.strip() for a in request.headers.get("X-Forwarded-For", "").split(",")]
        if forwarded and forwarded[-1]:
            return forwarded[-1]
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def _window_start(now: datetime) -> datetime:
    return now.replace(minute=0, second=0, microsecond=0)


def hit(*, scope: str, address: str, limit: int, now: datetime) -> Verdict:
    """Count one attempt at `scope` from `address`; refuse it past `limit` in the window.
    A limit of 0 switches the check off."""
    if limit <= 0:
        return Verdict(True, timedelta(0))
    key = hashlib.sha256(f"{scope}:{address.strip().lower()}".encode()).hexdigest()
    start = _window_start(now)
    counts = ThrottleCount.objects.filter(scope=scope, key=key, window_start=start)
    with transaction.atomic():
        if not counts.filter(count__lt=limit).update(count=F("count") + 1):
            if counts.exists():
                return Verdict(False, start + WINDOW - now)
            try:
                with transaction.atomic():
                    ThrottleCount.objects.create(scope=scope, key=key, window_start=start, count=1)
            except IntegrityError:  # created meanwhile by a concurrent request: count on it
                if not counts.filter(count__lt=limit).update(count=F("count") + 1):
                    return Verdict(False, start + WINDOW - now)
        # Old windows are of no use: the table holds about an hour of counts.
        ThrottleCount.objects.filter(window_start__lt=start - WINDOW).delete()
    return Verdict(True, timedelta(0))
