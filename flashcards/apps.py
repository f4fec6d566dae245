from django.apps import AppConfig


class FlashcardsConfig(AppConfig):
    """Decks of cards built from the quizzes app's facts, and each student's FSRS schedule.

    The dependency runs one way: flashcards reads articles and facts (and shares the quizzes
    app's permissions, text and CSV helpers); nothing in quizzes imports flashcards
    (tests/test_app_boundaries.py). Decks join the quizzes app's class assignments through the
    registry it offers (`quizzes.services.classes.register_assignable`)."""

    name = "flashcards"
    verbose_name = "Flashcards"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from flashcards.selectors import student_report_decks
        from flashcards.services.assignments import assign_deck, find_deck
        from quizzes.gradebook import STUDENT_REPORT_SECTIONS
        from quizzes.services.classes import Assignable, register_assignable

        register_assignable("deck", Assignable(find=find_deck, assign=assign_deck))
        # A student's report for their teachers (the quizzes app's gradebook) lists their decks.
        if student_report_decks not in STUDENT_REPORT_SECTIONS:
            STUDENT_REPORT_SECTIONS.append(student_report_decks)
