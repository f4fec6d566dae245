from django.apps import AppConfig


class FlashcardsConfig(AppConfig):
    """Decks of cards built from the quizzes app's facts, and each student's FSRS schedule.

    The dependency runs one way: flashcards reads articles and facts (and shares the quizzes
    app's permissions, text and CSV helpers); nothing in quizzes imports flashcards
    (tests/test_app_boundaries.py)."""

    name = "flashcards"
    verbose_name = "Flashcards"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # A student's report for their teachers (the quizzes app's gradebook) lists their decks.
        from flashcards.selectors import student_report_decks
        from quizzes.gradebook import STUDENT_REPORT_SECTIONS

        if student_report_decks not in STUDENT_REPORT_SECTIONS:
            STUDENT_REPORT_SECTIONS.append(student_report_decks)
