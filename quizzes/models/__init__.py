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
from quizzes.models.classes import Classroom, Enrolment, QuizAssignment, QuizOverride
from quizzes.models.content import Article, Fact, FactKind
from quizzes.models.quizzes import (
    REVIEW_OPTIONS,
    FeedbackMode,
    GradingMethod,
    Quiz,
    QuizQuestion,
    QuizRandomSlot,
    ReviewMoment,
)

__all__ = [
    "REVIEW_OPTIONS",
    "AcceptedAnswer",
    "Article",
    "Attempt",
    "AttemptState",
    "Choice",
    "Classroom",
    "Enrolment",
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
    "QuizAssignment",
    "QuizOverride",
    "QuizQuestion",
    "QuizRandomSlot",
    "Response",
    "ReviewMoment",
    "Tag",
    "ThrottleCount",
]
