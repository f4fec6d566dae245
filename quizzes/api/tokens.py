"""API tokens (django-rest-knox): expiring, stored as hashes, revocable.

- A login makes a new token valid for `API_TOKEN_HOURS` (24) and returns it once; the database
  keeps only its SHA-512 digest and a 15-character prefix to find it by. A user holds at most
  `API_TOKENS_PER_USER` (20) live tokens: a login past that drops the oldest.
- `DELETE /api/auth/token/` revokes the token it is sent with; `DELETE /api/auth/tokens/` revokes
  every token of the user ("log out everywhere").
- A new password or a deactivation revokes every token of the user, from wherever it happens
  (the admin, an account page, a reset, `changepassword`), through a `post_save` signal on the
  user's password hash: a decoupled side effect of the user row, not a rule of one view. Django
  re-hashing the same password at a login (a hasher upgrade) keeps them.
- With a shared cache (`CACHE_URL`), a token that checked out is remembered for
  `API_TOKEN_CACHE_SECONDS` (60) under its SHA-512 digest (never the token itself), together
  with its user's row, so the requests after it make one cache read for both instead of reading
  the token table. Deleting a token (a logout, a revoke, a password change, an expiry) drops its
  entry in the same request, in every process, through a `post_delete` signal; saving a user
  (a new staff flag, a deactivation, a login's `last_login`) drops the entries of every token of
  theirs (one query for their digests), as the user cache (`quizzes.auth`) drops the user; the
  entry never outlives the token's expiry.
  A per-process cache could not drop it in the other processes, so without `CACHE_URL` every
  request reads the table.
"""

from __future__ import annotations

import binascii
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import get_hasher, identify_hasher
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_init, post_save
from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from knox.auth import TokenAuthentication
from knox.crypto import hash_token
from knox.models import AuthToken
from rest_framework import exceptions

from quizzes.auth import CachedUserBackend


def token_cache_key(digest: str) -> str:
    return f"factcards:api-token:{digest}"


class ExpiringTokenAuthentication(TokenAuthentication):
    """knox's authentication, minus its sweep of the user's other tokens on every request (a
    query per call); expired tokens are refused here and deleted at the user's next login."""

    def authenticate_credentials(self, token):
        if not settings.SHARED_CACHE:
            return super().authenticate_credentials(token)
        try:
            digest = hash_token(token.decode("utf-8"))
        except (TypeError, ValueError, binascii.Error):
            raise exceptions.AuthenticationFailed("Invalid token.") from None
        remembered = cache.get(token_cache_key(digest))
        if remembered is not None:
            # An entry without its user was written by an older release (during a deploy).
            user = remembered.get("user")
            if (
                user is not None
                and CachedUserBackend().user_can_authenticate(user)
                and remembered["expiry"] > timezone.now().timestamp()
            ):
                auth_token = AuthToken(user=user, digest=digest, **remembered["token"])
                auth_token._state.adding = False
                return user, auth_token
            cache.delete(token_cache_key(digest))
        user, auth_token = super().authenticate_credentials(token)
        self._remember(auth_token)
        return user, auth_token

    def _remember(self, auth_token: AuthToken) -> None:
        now = timezone.now()
        lifetime = settings.API_TOKEN_CACHE_SECONDS
        if auth_token.expiry is not None:
            lifetime = min(lifetime, int((auth_token.expiry - now).total_seconds()))
        if lifetime <= 0:
            return
        # The user row comes with the token: the next requests make one cache read for both.
        cache.set(
            token_cache_key(auth_token.digest),
            {
                "user": auth_token.user,
                "user_id": auth_token.user_id,  # what the previous release reads
                "expiry": (auth_token.expiry or now + timedelta(days=3650)).timestamp(),
                "token": {
                    "pk": auth_token.pk,
                    "token_key": auth_token.token_key,
                    "created": auth_token.created,
                    "expiry": auth_token.expiry,
                },
            },
            lifetime,
        )

    def _cleanup_token(self, auth_token) -> bool:
        if auth_token.expiry is not None and auth_token.expiry < timezone.now():
            auth_token.delete()
            return True
        return False


class ExpiringTokenScheme(OpenApiAuthenticationExtension):
    """How the OpenAPI document describes the token (drf-spectacular finds it by its class)."""

    target_class = ExpiringTokenAuthentication
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": (
                "`Authorization: Token <token>`, with a token from `POST /api/auth/token/` "
                "(valid for API_TOKEN_HOURS, 24 by default)."
            ),
        }


def token_create(*, user) -> tuple[AuthToken, str]:
    """A new token for `user` (the instance and the token text, which is shown only now)."""
    with transaction.atomic():
        now = timezone.now()
        AuthToken.objects.filter(user=user, expiry__lt=now).delete()
        keep = settings.API_TOKENS_PER_USER - 1
        oldest = AuthToken.objects.filter(user=user).order_by("-created")[keep:]
        oldest = oldest.values_list("pk", flat=True)
        AuthToken.objects.filter(pk__in=list(oldest)).delete()
        return AuthToken.objects.create(user=user)


def tokens_revoke(*, user) -> int:
    """Revoke every token of `user`; how many there were."""
    deleted, _ = AuthToken.objects.filter(user=user).delete()
    return deleted


# --- revoking on a password change or a deactivation --------------------------------------


def _remember_credentials(sender, instance, **kwargs) -> None:
    instance._factcards_token_state = (instance.password, instance.is_active)


def _revoke_on_credentials_change(sender, instance, created, raw=False, **kwargs) -> None:
    before = getattr(instance, "_factcards_token_state", None)
    instance._factcards_token_state = (instance.password, instance.is_active)
    if created or raw or before is None:
        return
    old_hash, was_active = before
    deactivated = was_active and not instance.is_active
    new_password = old_hash != instance.password and not _is_hash_upgrade(instance, old_hash)
    if deactivated or new_password:
        tokens_revoke(user=instance)


def _is_hash_upgrade(user, old_hash: str) -> bool:
    """Whether the new hash is Django re-hashing the same password at a login (a new hasher, more
    iterations) rather than a new password. `check_password` does that with `_password` cleared
    ("hash upgrades shouldn't be considered password changes"), and only when the old hash needed
    it; `set_password`, which every password form and command uses, leaves `_password` set."""
    if getattr(user, "_password", None) is not None:
        return False
    try:
        old_hasher = identify_hasher(old_hash)
    except ValueError:
        return False
    preferred = get_hasher("default")
    return old_hasher.algorithm != preferred.algorithm or preferred.must_update(old_hash)


def _forget_token(sender, instance, **kwargs) -> None:
    cache.delete(token_cache_key(instance.digest))


def _forget_users_tokens(sender, instance, raw=False, **kwargs) -> None:
    """A saved user's remembered tokens carry the old row: drop them (the tokens stay valid)."""
    if raw or not settings.SHARED_CACHE or instance.pk is None:
        return
    digests = AuthToken.objects.filter(user_id=instance.pk).values_list("digest", flat=True)
    keys = [token_cache_key(digest) for digest in digests]
    if keys:
        cache.delete_many(keys)


def connect_signals() -> None:
    post_delete.connect(_forget_token, sender=AuthToken, dispatch_uid="token-forget")
    user_model = get_user_model()
    post_init.connect(_remember_credentials, sender=user_model, dispatch_uid="token-state")
    post_save.connect(_revoke_on_credentials_change, sender=user_model, dispatch_uid="token-revoke")
    post_save.connect(_forget_users_tokens, sender=user_model, dispatch_uid="token-forget-user")
