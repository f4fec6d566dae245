"""Login lockout on top of django-axes: the same limits for the site's, the admin's and the API's
login, counted in the database (so every server process shares them, with or without a cache).

- Per account and per address, each with its own limit (`LOGIN_FAILURES_PER_ACCOUNT`, 5, and
  `LOGIN_FAILURES_PER_ADDRESS`, 50: a classroom behind one address should not lock itself out
  with a few typos). Past either, django-axes' backend refuses every login before any password is
  checked, the right one included, until `LOGIN_COOLOFF_SECONDS` after the last counted failure.
- The refusal says the same whether or not the account exists (django-axes counts failures for
  any username typed), and is answered in the shape of the login that was tried: the site's form,
  the admin's form, or the API's JSON error, each with status 429 and `Retry-After`.
- A teacher with `axes.delete_accessattempt` (the `Teachers` group has it) or a superuser unlocks
  accounts and addresses in the admin (`quizzes/admin/lockout.py`, which calls `unlock`).
"""

from __future__ import annotations

import ipaddress
from datetime import timedelta

from axes.handlers.database import AxesDatabaseHandler
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.db.models import Q, Sum
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from quizzes.cleaning import printable_text

USERNAME_MAX = 150  # Django's username length; anything longer names no account anyway


class LockoutHandler(AxesDatabaseHandler):
    """django-axes' database handler, with one limit per account and another per address."""

    def get_failures(self, request, credentials=None) -> int:
        # AXES_LOCKOUT_PARAMETERS is ["username", "ip_address"]: one queryset for each.
        by_account, by_address = (
            attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        )
        # Axes compares one count with one limit (the per-account one, AXES_FAILURE_LIMIT), so
        # the address's count is given in those units: it reaches the limit exactly when the
        # address reaches its own (x * A // B >= A exactly when x >= B).
        per_account = settings.LOGIN_FAILURES_PER_ACCOUNT
        per_address = settings.LOGIN_FAILURES_PER_ADDRESS
        return max(by_account, by_address * per_account // per_address)


def failure_limit(request, credentials=None) -> int:
    """AXES_FAILURE_LIMIT, read when used (so that a changed setting counts at once)."""
    return settings.LOGIN_FAILURES_PER_ACCOUNT


def cooloff(request=None) -> timedelta:
    """AXES_COOLOFF_TIME, read when used."""
    return timedelta(seconds=settings.LOGIN_COOLOFF_SECONDS)


def client_address(request: HttpRequest) -> str | None:
    """The address failures are counted against: behind the proxy (`BEHIND_PROXY`) the one it
    appended to X-Forwarded-For, else the connection's. Never a string that is not an address."""
    if settings.BEHIND_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").rsplit(",", 1)[-1].strip()
        if _is_address(forwarded):
            return forwarded
    remote = request.META.get("REMOTE_ADDR", "")
    return remote if _is_address(remote) else None


def _is_address(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


def lockout_username(request: HttpRequest, credentials: dict | None = None) -> str | None:
    """The username failures are counted for, as typed, cut to a length and to characters that
    any database column holds (the login forms refuse the rest before it gets here)."""
    if credentials:
        value = credentials.get("username")
    else:
        value = getattr(request, "data", request.POST).get("username")
    if value is None:
        return None
    return printable_text(str(value))[:USERNAME_MAX]


def cooloff_words(seconds: int) -> str:
    """ "15 minutes", "1 hour", "30 seconds".

    >>> cooloff_words(900), cooloff_words(3600), cooloff_words(45)
    ('15 minutes', '1 hour', '45 seconds')
    """
    for unit, size in (("hour", 3600), ("minute", 60)):
        if seconds >= size and seconds % size == 0:
            count = seconds // size
            return f"{count} {unit}{'s' if count != 1 else ''}"
    return f"{seconds} second{'s' if seconds != 1 else ''}"


def lockout_message() -> str:
    """What a refused login says: the same whether the account exists or not."""
    return (
        "Too many failed logins for this account or from this network. Logins are refused for "
        f"{cooloff_words(settings.LOGIN_COOLOFF_SECONDS)}; a teacher can unlock an account "
        "sooner."
    )


def lockout_response(
    request: HttpRequest, original_response=None, credentials=None
) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: the refusal, in the shape of the login that was tried."""
    message = lockout_message()
    match = request.resolver_match
    typed = lockout_username(request, credentials) or ""
    if match is not None and match.url_name == "api-token":
        response = JsonResponse({"detail": message, "code": "locked_out"}, status=429)
    elif match is not None and match.namespace == admin.site.name:
        messages.error(request, message)
        context = {
            **admin.site.each_context(request),
            "title": "Log in",
            "app_path": request.get_full_path(),
            "form": AdminAuthenticationForm(request, initial={"username": typed}),
            "next": request.POST.get("next", ""),
        }
        response = render(request, "admin/login.html", context, status=429)
    else:
        context = {
            "form": AuthenticationForm(request, initial={"username": typed}),
            "next": request.POST.get("next", ""),
            "lockout": message,
        }
        response = render(request, "registration/login.html", context, status=429)
    response["Retry-After"] = str(settings.LOGIN_COOLOFF_SECONDS)
    return response


def unlock(*, usernames=(), addresses=()) -> int:
    """Forget the failed logins of these accounts (from any address) and from these addresses
    (for any account); the number of records removed."""
    matching = Q(username__in=[u for u in usernames if u is not None])
    matching |= Q(ip_address__in=[a for a in addresses if a is not None])
    deleted, _ = AccessAttempt.objects.filter(matching).delete()
    return deleted
