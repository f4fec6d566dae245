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
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import get_hasher, identify_hasher
from django.db import transaction
from django.db.models.signals import post_init, post_save
from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from knox.auth import TokenAuthentication
from knox.models import AuthToken


class ExpiringTokenAuthentication(TokenAuthentication):
    """knox's authentication, minus its sweep of the user's other tokens on every request (a
    query per call); expired tokens are refused here and deleted at the user's next login."""

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


def connect_signals() -> None:
    user_model = get_user_model()
    post_init.connect(_remember_credentials, sender=user_model, dispatch_uid="token-state")
    post_save.connect(_revoke_on_credentials_change, sender=user_model, dispatch_uid="token-revoke")
