"""Flashcard study pages under /flashcards/."""

from django.urls import path

from flashcards import views

urlpatterns = [
    path("", views.deck_list, name="flashcards"),
    path("<slug:slug>/study/", views.study, name="flashcards-study"),
    path("<slug:slug>/stats/", views.stats, name="flashcards-stats"),
]
