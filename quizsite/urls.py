"""Top-level URLs: the admin, accounts, the REST API and the student pages."""

from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "Factcards administration"
admin.site.site_title = "Factcards admin"
admin.site.index_title = "Articles, question banks, quizzes and decks"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("quizzes.views.account_urls")),
    # The flashcard API first: quizzes.api.urls ends with a JSON 404 for anything under /api/.
    path("api/", include("flashcards.api_urls")),
    path("api/", include("quizzes.api.urls")),
    path("flashcards/", include("flashcards.urls")),
    path("", include("quizzes.urls")),
]
