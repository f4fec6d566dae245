"""Flashcard study pages (owned by the flashcards work)."""

urlpatterns: list = []
