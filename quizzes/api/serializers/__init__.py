"""API serializers, one module per domain: shapes in and out. Rules come from
`quizzes.services`, never from here.

One serializer per direction where input and output differ (`QuizWriteSerializer` in,
`QuizSerializer` out; `AnswerInputSerializer` in, `ResponseOutputSerializer` out). The views
import them from here (`from quizzes.api import serializers as s`), as NetBox's API does.
"""

from quizzes.api.serializers.attempts import (
    AnswerInputSerializer,
    AttemptSerializer,
    AttemptSummarySerializer,
    CheckResultSerializer,
    FinishResultSerializer,
    ResultRowSerializer,
    ReviewSerializer,
    SavedAnswerSerializer,
    attempt_data,
    saved_answer_data,
)
from quizzes.api.serializers.auth import (
    TokenRequestSerializer,
    TokenSerializer,
)
from quizzes.api.serializers.bank import (
    QuestionSerializer,
)
from quizzes.api.serializers.content import (
    ArticleSerializer,
    FactSerializer,
)
from quizzes.api.serializers.generation import (
    GenerateRequestSerializer,
    GenerationReportSerializer,
)
from quizzes.api.serializers.quizzes import (
    QuizSerializer,
    QuizWriteSerializer,
    StudentQuizSerializer,
)

__all__ = [
    "AnswerInputSerializer",
    "ArticleSerializer",
    "AttemptSerializer",
    "AttemptSummarySerializer",
    "CheckResultSerializer",
    "FactSerializer",
    "FinishResultSerializer",
    "GenerateRequestSerializer",
    "GenerationReportSerializer",
    "QuestionSerializer",
    "QuizSerializer",
    "QuizWriteSerializer",
    "ResultRowSerializer",
    "ReviewSerializer",
    "SavedAnswerSerializer",
    "StudentQuizSerializer",
    "TokenRequestSerializer",
    "TokenSerializer",
    "attempt_data",
    "saved_answer_data",
]
