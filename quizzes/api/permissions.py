"""Who may do what through the API. Object visibility is settled in `get_queryset()`."""

from rest_framework.permissions import SAFE_METHODS, BasePermission

TEACHERS_GROUP = "Teachers"


def is_teacher(user) -> bool:
    """Staff, or a member of the `Teachers` group (the group is read once per request)."""
    if not (user and user.is_authenticated):
        return False
    if user.is_staff:
        return True
    cached = getattr(user, "_factcards_is_teacher", None)
    if cached is None:
        cached = user.groups.filter(name=TEACHERS_GROUP).exists()
        user._factcards_is_teacher = cached
    return cached


class IsTeacher(BasePermission):
    message = "Only teachers may do this."

    def has_permission(self, request, view):
        return is_teacher(request.user)


class IsTeacherOrReadOnly(BasePermission):
    """Students read (what `get_queryset()` lets them see); teachers also write."""

    message = "Only teachers may change this."

    def has_permission(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return False
        return request.method in SAFE_METHODS or is_teacher(request.user)
