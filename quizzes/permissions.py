"""Who is a teacher, and what a teacher may do: Django's permissions, read alike everywhere.

One rule for the admin, the API and the pages: a user may do a teacher's thing when they hold the
Django permission for it (`flashcards.view_deck` to open an unpublished deck, `quizzes.add_question`
to write a question, `quizzes.view_attempt` to read the results), exactly the permission the admin
checks for the same thing. The `Teachers` group grants them (`TEACHER_PERMISSIONS`, which the demo
fixture loads); a superuser holds them all. `is_staff` only opens the admin's door: a staff account
with no permissions is not a teacher anywhere, and a member of `Teachers` who is not staff is a
teacher in the API and the pages but cannot enter the admin.

A user's permissions are read once per request, in one query (`quizzes.auth.PermissionBackend`).

Ownership is the second gate (issue 15): a teacher holding `change_quiz` changes only the quizzes
they own or that are shared with them, and reads only those quizzes' results; a superuser, all.
The rule is on the querysets (`editable_by`, `readable_by`: quizzes/models/ownership.py); `can_edit`
below reads it for one object.
"""

from django.db.models import Q

TEACHERS_GROUP = "Teachers"
# The apps whose permissions make a teacher (named, not imported: quizzes imports no flashcards).
TEACHER_APPS = ("quizzes", "flashcards")

# What the `Teachers` group holds ("app_label.codename"). `fixtures/demo_users.json` gives the demo
# group the same list (tests/test_permissions.py checks that they agree).
_AUTHORED = ("article", "fact", "tag", "question", "choice", "acceptedanswer", "quiz")
_AUTHORED += ("quizquestion", "quizrandomslot")
# Classes: which classes a teacher manages is narrower (those they teach, `Classroom.objects.
# taught_by`); the permissions open the admin's pages for them.
_AUTHORED += ("classroom", "enrolment", "quizassignment", "quizoverride")
_AUTHORED_FLASHCARDS = ("deck", "card", "deckassignment")
_ACTIONS = ("add", "change", "delete", "view")
TEACHER_PERMISSIONS: tuple[str, ...] = (
    *(f"quizzes.{action}_{model}" for model in _AUTHORED for action in _ACTIONS),
    *(f"flashcards.{action}_{model}" for model in _AUTHORED_FLASHCARDS for action in _ACTIONS),
    "quizzes.view_attempt",
    "quizzes.change_attempt",  # re-grading
    "quizzes.view_response",
    "flashcards.view_cardstate",
    "flashcards.view_reviewlog",
    # Unlocking an account locked by too many failed logins (django-axes' records).
    "axes.view_accessattempt",
    "axes.delete_accessattempt",
)

# The permission behind each teacher capability that is not a plain model permission.
SEE_ALL_QUIZZES = "quizzes.view_quiz"  # unpublished and closed quizzes, with their questions
SEE_UNPUBLISHED_DECKS = "flashcards.view_deck"
READ_RESULTS = "quizzes.view_attempt"  # the attempts at the quizzes a teacher may edit
GENERATE_QUESTIONS = ("quizzes.add_question", "quizzes.change_question")
IMPORT_QUESTIONS = ("quizzes.add_question", "quizzes.change_question")
EXPORT_QUESTIONS = ("quizzes.view_question",)
CREATE_CLASSES = "quizzes.add_classroom"  # and manage the classes one teaches


def can(user, *permissions: str) -> bool:
    """Whether `user` is signed in, active and holds every one of `permissions`."""
    return bool(user and user.is_authenticated and user.has_perms(permissions))


def is_teacher(user) -> bool:
    """Whether `user` holds any permission of the Factcards apps (the `Teachers` group's, or a
    superuser's). The staff flag alone does not make a teacher.

    Both apps' permissions count, as they did when decks were part of quizzes: a user granted
    only the deck permissions is still a teacher. The permissions are read once per request,
    so the second app costs no query."""
    return bool(
        user and user.is_authenticated and any(user.has_module_perms(app) for app in TEACHER_APPS)
    )


def teaches_in_admin(user) -> bool:
    """Whether the site's "Teach" link (to the admin) is any use to `user`: staff and a teacher.

    The staff flag is checked first, so that a student's page costs no permission query."""
    return bool(user and user.is_authenticated and user.is_staff and is_teacher(user))


def permissions_named(names) -> list:
    """The Permission rows for "app_label.codename" names (one query)."""
    from django.contrib.auth.models import Permission

    wanted = Q(pk__in=[])
    for name in names:
        app_label, codename = name.split(".", 1)
        wanted |= Q(content_type__app_label=app_label, codename=codename)
    return list(Permission.objects.filter(wanted))


def teachers_group():
    """The `Teachers` group with exactly `TEACHER_PERMISSIONS` (created if missing)."""
    from django.contrib.auth.models import Group

    group, _ = Group.objects.get_or_create(name=TEACHERS_GROUP)
    group.permissions.set(permissions_named(TEACHER_PERMISSIONS))
    return group


# --- Ownership: the second gate, after the model permission -------------------------------------
# The rule itself lives on the querysets (`quizzes.models.ownership`); these read it for one object.


def can_edit(user, obj) -> bool:
    """Whether `user` may change (and delete) `obj`, an owned item or a part of one (a fact is
    its article's, a choice its question's…): a superuser, the owner, or a co-teacher it is
    shared with. Never a query for a superuser or the owner; one per item for anybody else."""
    if not (user and user.is_authenticated and user.is_active):
        return False
    if user.is_superuser:
        return True
    item = obj.owning_item()
    if item is None or item.pk is None:
        return False
    if item.owner_id is not None and item.owner_id == user.pk:
        return True
    # A co-teacher: asked once per loaded item (an admin page asks several times).
    answers = item.__dict__.setdefault("_can_edit", {})
    if user.pk not in answers:
        answers[user.pk] = type(item).objects.editable_by(user).filter(pk=item.pk).exists()
    return answers[user.pk]


def is_owner_or_superuser(user, obj) -> bool:
    """Who may change an item's owner and co-teachers: a co-teacher edits the content only."""
    if not (user and user.is_authenticated):
        return False
    return user.is_superuser or (obj is not None and obj.owner_id == user.pk)
