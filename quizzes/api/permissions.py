"""Who may do what through the API: Django's permissions, as the admin reads them.

See `quizzes.permissions` for the rule. Object visibility is settled in `get_queryset()`.
"""

from rest_framework.permissions import SAFE_METHODS, BasePermission, DjangoModelPermissions

from quizzes.permissions import can, is_teacher


class IsTeacher(BasePermission):
    """Any teacher (a holder of some Factcards permission); prefer the specific classes below."""

    message = "Only teachers may do this."

    def has_permission(self, request, view):
        return is_teacher(request.user)


class TeacherModelPermissions(DjangoModelPermissions):
    """The model permission the admin asks for the same thing: reading needs `view_<model>`,
    creating `add_`, changing `change_`, deleting `delete_`."""

    message = "Only teachers may do this."
    perms_map = {
        **DjangoModelPermissions.perms_map,
        "GET": ["%(app_label)s.view_%(model_name)s"],
        "HEAD": ["%(app_label)s.view_%(model_name)s"],
        "OPTIONS": ["%(app_label)s.view_%(model_name)s"],
    }


class ReadOrTeacherModelPermissions(TeacherModelPermissions):
    """Any signed-in user reads (what `get_queryset()` lets them see); writes need the model
    permission."""

    message = "Only teachers may change this."

    def has_permission(self, request, view):
        if request.method in SAFE_METHODS:
            return bool(request.user and request.user.is_authenticated)
        return super().has_permission(request, view)


def requires(*permissions: str, message: str = "Only teachers may do this.") -> type:
    """A permission class for an action that needs exactly these Django permissions."""

    class HasPermissions(BasePermission):
        def has_permission(self, request, view):
            return can(request.user, *permissions)

    HasPermissions.message = message
    HasPermissions.__name__ = HasPermissions.__qualname__ = "Requires_" + "_".join(
        name.replace(".", "_") for name in permissions
    )
    return HasPermissions
