from django.apps import AppConfig


class FlashcardsConfig(AppConfig):
    """Decks of cards built from the quizzes app's facts, and each student's FSRS schedule.

    The dependency runs one way: flashcards reads articles and facts (and shares the quizzes
    app's permissions, text and CSV helpers); nothing in quizzes imports flashcards
    (tests/test_app_boundaries.py)."""

    name = "flashcards"
    verbose_name = "Flashcards"
    default_auto_field = "django.db.models.BigAutoField"
