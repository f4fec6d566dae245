"""Flashcard study pages under /flashcards/."""

from django.urls import path

from quizzes.views import flashcards

urlpatterns = [
    path("", flashcards.deck_list, name="flashcards"),
    path("<slug:slug>/study/", flashcards.study, name="flashcards-study"),
    path("<slug:slug>/stats/", flashcards.stats, name="flashcards-stats"),
]
