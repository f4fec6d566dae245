"""The admin's half of ownership: a teacher sees, edits and picks only what they may edit.

The rule is `editable_by` (quizzes/models/ownership.py) and `can_edit` (quizzes/permissions.py);
these mixins apply it to the admin's lists, change pages, actions and choice fields. The model
permission (the `Teachers` group) is still checked first, by Django.

- `get_queryset` keeps what the teacher may edit, so the changelist, the change page (another
  teacher's item is "not found", as the API answers 404), the actions (which act on the
  changelist's rows) and the autocomplete of this model (which reads this queryset) all agree.
- Foreign keys and many-to-many fields to owned content offer only what the teacher may edit:
  a teacher cannot put another teacher's question in their quiz, even by posting its id.
- The owner is the teacher who adds the item; only a superuser changes it. Co-teachers
  (`shared_with`) are chosen by the owner or a superuser, among the teachers.
"""

from django.contrib.auth import get_user_model
from django.db.models import Q

from quizzes.models.ownership import OwnedQuerySet
from quizzes.permissions import TEACHERS_GROUP, can_edit, is_owner_or_superuser

OWNERSHIP_FIELDS = ("owner", "shared_with")
OWNERSHIP_FIELDSET = (
    "Owner and co-teachers",
    {
        "fields": OWNERSHIP_FIELDS,
        "description": "Co-teachers see and edit this as the owner does. Only the owner (or a "
        "superuser) chooses them; only a superuser gives the item to another owner.",
    },
)


def teachers():
    """Who can own or share content: active members of `Teachers`, and superusers."""
    return (
        get_user_model()
        .objects.filter(Q(groups__name=TEACHERS_GROUP) | Q(is_superuser=True), is_active=True)
        .distinct()
        .order_by("username")
    )


class LimitsOwnedChoices:
    """Choice fields to owned content (articles, facts, questions, quizzes, decks) offer only
    what the teacher may edit; owner and co-teacher fields offer only teachers."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        kwargs = _limited(db_field, request, kwargs)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        kwargs = _limited(db_field, request, kwargs)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


def _limited(db_field, request, kwargs):
    if "queryset" in kwargs:
        return kwargs
    related = db_field.related_model
    if db_field.name in OWNERSHIP_FIELDS:
        return {**kwargs, "queryset": teachers()}
    manager = related._default_manager
    if isinstance(manager.all(), OwnedQuerySet):
        return {**kwargs, "queryset": manager.editable_by(request.user)}
    return kwargs


class OwnedAdmin(LimitsOwnedChoices):
    """A model admin for owned content or a part of it (a fact, a choice, a card…)."""

    def get_queryset(self, request):
        # What the teacher sees; changing and deleting each item is `can_edit`'s (below).
        return super().get_queryset(request).visible_to_teacher(request.user)

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or can_edit(request.user, obj))

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or can_edit(request.user, obj))

    def get_readonly_fields(self, request, obj=None):
        readonly = tuple(super().get_readonly_fields(request, obj))
        if not _owns_itself(self.model):
            return readonly
        if request.user.is_superuser:
            return readonly
        if obj is None or is_owner_or_superuser(request.user, obj):
            return (*readonly, "owner")
        return (*readonly, *OWNERSHIP_FIELDS)

    def save_model(self, request, obj, form, change):
        # The teacher who adds an item owns it; a superuser may have chosen another owner.
        if _owns_itself(self.model) and not change and obj.owner_id is None:
            obj.owner = request.user
        super().save_model(request, obj, form, change)


class OwnedInline(LimitsOwnedChoices):
    """An inline of an owned item: its choice fields limited as the item's."""


def _owns_itself(model) -> bool:
    return getattr(model, "owned_via", None) == ""


class ResultsAdmin:
    """Results (attempts, responses, card states, reviews): only those the teacher may read
    (`readable_by`: of their own and shared quizzes or decks; later, of their classes' students).
    Actions such as re-grading act on these rows only."""

    def get_queryset(self, request):
        return super().get_queryset(request).readable_by(request.user)
