"""The domain model, one module per part of the domain."""

from quizzes.models.accounts import ThrottleCount
from quizzes.models.attempts import Attempt, AttemptState, Response
from quizzes.models.bank import AcceptedAnswer, Choice, MatchMode, Question, QuestionKind, Tag
from quizzes.models.content import Article, Fact, FactKind
from quizzes.models.flashcards import Card, CardState, Deck, LearningState, Rating, ReviewLog
from quizzes.models.quizzes import FeedbackMode, GradingMethod, Quiz, QuizQuestion, ReviewAnswers

__all__ = [
    "AcceptedAnswer",
    "Article",
    "Attempt",
    "AttemptState",
    "Card",
    "CardState",
    "Choice",
    "Deck",
    "Fact",
    "FactKind",
    "FeedbackMode",
    "GradingMethod",
    "LearningState",
    "MatchMode",
    "Question",
    "QuestionKind",
    "Quiz",
    "QuizQuestion",
    "Rating",
    "Response",
    "ReviewAnswers",
    "ReviewLog",
    "Tag",
    "ThrottleCount",
]
