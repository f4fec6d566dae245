"""Admin URL names for the models of both apps, for tests that loop over models."""

FLASHCARD_MODELS = {"deck", "card", "cardstate", "reviewlog"}


def admin_url_name(model: str, view: str) -> str:
    """The admin's URL name for a model of either app ("deck" is the flashcards app's)."""
    app = "flashcards" if model in FLASHCARD_MODELS else "quizzes"
    return f"admin:{app}_{model}_{view}"
