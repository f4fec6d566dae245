"""Flashcard API routes, included from quizzes/api/urls.py."""

from rest_framework.routers import SimpleRouter

from quizzes.api.flashcards import CardViewSet, DeckViewSet

router = SimpleRouter()
router.register("decks", DeckViewSet, basename="api-deck")
router.register("cards", CardViewSet, basename="api-card")

urlpatterns = router.urls
