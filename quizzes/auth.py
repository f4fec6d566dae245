"""Signing in without a database query per request, when the cache is shared.

Django's session and auth middleware read the session row and the user row on every request
(two queries before a view runs). With a shared cache (`CACHE_URL=redis://…`) the settings switch
sessions to `cached_db` and authentication to `CachedUserBackend`, which keeps each user row in
the cache for `USER_CACHE_SECONDS` and drops it whenever the user is saved or deleted, so that a
password change (which also ends the user's other sessions), a deactivation or a lost staff flag
takes effect on the next request in every process. Permissions and groups are not cached: they
are read from the database when checked, as before.

Only a write that skips `save()` (a `QuerySet.update()` on users) can leave a cached row stale,
for `USER_CACHE_SECONDS` at most; the app makes none.

With the default per-process cache the settings keep Django's own backends: dropping a cached user
in one server process would leave the copies in the others.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission
from django.core.cache import cache
from django.db.models import Q
from django.db.models.signals import post_delete, post_save


def user_cache_key(user_id) -> str:
    return f"factcards:auth-user:{user_id}"


class PermissionBackend(ModelBackend):
    """Django's ModelBackend, reading a user's own and group permissions in one query.

    Who is a teacher is a permission check (`quizzes.permissions`) that most requests make
    once; Django's backend spends two queries on it (user permissions, then group permissions).
    The result is kept where ModelBackend keeps it (`_perm_cache` on the user object, so for one
    request), and every other check in the request reads it from there.
    """

    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if user_obj.is_superuser:
            return super().get_all_permissions(user_obj, obj)
        if not hasattr(user_obj, "_perm_cache"):
            rows = (
                Permission.objects.filter(Q(user=user_obj) | Q(group__user=user_obj))
                .values_list("content_type__app_label", "codename")
                .distinct()
            )
            user_obj._perm_cache = {f"{app_label}.{codename}" for app_label, codename in rows}
        return user_obj._perm_cache


class CachedUserBackend(PermissionBackend):
    """ModelBackend whose per-request user lookup is served from the shared cache."""

    def get_user(self, user_id):
        key = user_cache_key(user_id)
        user = cache.get(key)
        if user is None:
            try:
                user = get_user_model()._default_manager.get(pk=user_id)
            except get_user_model().DoesNotExist:
                return None
            cache.set(key, user, settings.USER_CACHE_SECONDS)
        return user if self.user_can_authenticate(user) else None


def forget_cached_user(sender, instance, **kwargs) -> None:
    cache.delete(user_cache_key(instance.pk))


def connect_signals() -> None:
    user_model = get_user_model()
    post_save.connect(forget_cached_user, sender=user_model, dispatch_uid="forget-user-on-save")
    post_delete.connect(forget_cached_user, sender=user_model, dispatch_uid="forget-user-on-delete")
