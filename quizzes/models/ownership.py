"""Who owns an item of content, and who it is shared with: one rule, read by every surface.

Articles, questions, quizzes and decks each have an `owner` (the teacher who made it, or whom a
superuser gave it to) and `shared_with` (co-teachers, who may edit it as the owner does). The rest
of the content follows its parent: a fact its article, a choice or an accepted answer its question,
a quiz's question slot its quiz, a card its deck; results follow theirs (an attempt its quiz,
a card state or a review its deck).

The rule (`editable_by`): a superuser may edit everything; anyone else what they own or what is
shared with them. An item with no owner (content from before ownership, or whose owner's account
was deleted) is the superusers' alone until a superuser gives it to someone. The model
permissions (the `Teachers` group) stay the first gate; this is the second, and it never widens
the first: a student who somehow owned a quiz still holds no `change_quiz`.
"""

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q


def owned_q(model: Any, user: Any, *, via: str = "") -> Q:
    """The condition "`user` may edit the owned item", for rows of a model that reaches the
    owned `model` through `via` ("" for the owned model itself, else a lookup such as "article").

    One indexed test per row: the owner column, or the item's id among the ids shared with the
    user (a subquery on the sharing table, so no join multiplies rows and no DISTINCT is needed).
    """
    prefix = f"{via}__" if via else ""
    shared = model.shared_with.through.objects.filter(user=user).values(
        model._meta.model_name  # the sharing table's column to the owned model
    )
    return Q(**{f"{prefix}owner": user}) | Q(**{f"{prefix}pk__in": shared})


class OwnedQuerySet(models.QuerySet):
    """`editable_by` / `visible_to_teacher` for a model that is owned (`owned_via = ""`) or that
    follows an owned parent (`owned_via = "article"`, with `owned_model` the parent's class)."""

    def editable_by(self, user):
        """What `user` may change (and delete): everything for a superuser; else their own and
        what is shared with them. Anonymous users: nothing."""
        if not (user and user.is_authenticated and user.is_active):
            return self.none()
        if user.is_superuser:
            return self.all()
        model: Any = self.model
        return self.filter(owned_q(model.owned_model(), user, via=model.owned_via))

    def visible_to_teacher(self, user):
        """What `user` sees as a teacher: the admin's lists and change pages (whose saving and
        deleting ask `can_edit`), the API's reads (its writes read `editable_by`). Today the same
        as `editable_by`, a share being for editing: the one place to widen (say, a read-only
        share) without touching the surfaces."""
        return self.editable_by(user)


def owner_field(plural: str) -> Any:
    """The `owner` of an owned model (`plural` names the user's reverse: `owned_quizzes`)."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        # A teacher's account can be deleted without deleting their content (or the students'
        # attempts at it): the content falls back to the superusers, who can give it on.
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name=f"owned_{plural}",
        help_text="The teacher it belongs to. Empty: only superusers can see and edit it.",
    )


def shared_with_field(plural: str) -> Any:
    """The co-teachers of an owned model (`plural` names the user's reverse: `shared_quizzes`)."""
    return models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name=f"shared_{plural}",
        help_text="Co-teachers who may see and edit it as the owner does.",
    )


class OwnsItself:
    """A model with its own `owner` and `shared_with` (articles, questions, quizzes, decks)."""

    owned_via = ""

    @classmethod
    def owned_model(cls):
        return cls

    def owning_item(self):
        return self


class FollowsOwner:
    """A model whose ownership is its parent's (`owned_via` names the foreign key)."""

    owned_via: str

    @classmethod
    def owned_model(cls) -> Any:
        model: Any = cls
        return model._meta.get_field(cls.owned_via.split("__")[0]).related_model.owned_model()

    def owning_item(self):
        item = self
        for name in self.owned_via.split("__"):
            item = getattr(item, name)
        return item
