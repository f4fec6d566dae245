"""The domain model, one module per part of the domain."""

from quizzes.models.accounts import ThrottleCount
from quizzes.models.attempts import Attempt, AttemptState, Response
from quizzes.models.bank import (
    AcceptedAnswer,
    Choice,
    MatchMode,
    MatchPair,
    OrderingItem,
    Question,
    QuestionKind,
    QuestionVersion,
    Tag,
)
from quizzes.models.content import Article, Fact, FactKind
from quizzes.models.quizzes import (
    REVIEW_OPTIONS,
    FeedbackMode,
    GradingMethod,
    Quiz,
    QuizQuestion,
    ReviewMoment,
)

__all__ = [
    "REVIEW_OPTIONS",
    "AcceptedAnswer",
    "Article",
    "Attempt",
    "AttemptState",
    "Choice",
    "Fact",
    "FactKind",
    "FeedbackMode",
    "GradingMethod",
    "MatchMode",
    "MatchPair",
    "OrderingItem",
    "Question",
    "QuestionKind",
    "QuestionVersion",
    "Quiz",
    "QuizQuestion",
    "Response",
    "ReviewMoment",
    "Tag",
    "ThrottleCount",
]
