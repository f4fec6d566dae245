from django.apps import AppConfig


class QuizzesConfig(AppConfig):
    name = "quizzes"
    verbose_name = "Factcards"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from quizzes.api import tokens
        from quizzes.auth import connect_signals
        from quizzes.services import snapshots

        # Always connected (a cheap cache delete on each user save), so that turning the cached
        # backend on by a setting never depends on which signals were wired.
        connect_signals()
        # A new password or a deactivation revokes the user's API tokens.
        tokens.connect_signals()
        # An edit of a question (or of what its snapshot quotes) makes the next start take a
        # new version of it.
        snapshots.connect_signals()
