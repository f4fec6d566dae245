"""Flashcard API routes under /api/, included from quizsite/urls.py."""

from rest_framework.routers import SimpleRouter

from flashcards.api import CardViewSet, DeckViewSet

router = SimpleRouter()
router.register("decks", DeckViewSet, basename="api-deck")
router.register("cards", CardViewSet, basename="api-card")

urlpatterns = router.urls
