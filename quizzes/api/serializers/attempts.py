"""Attempts (students): the questions as shown, answers in and out, reviews, results."""

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from quizzes.api.serializers.common import (
    GradeField,
    ModelSerializer,
    review_moment_serializer,
)
from quizzes.models import (
    Attempt,
    QuestionKind,
    Response,
)
from quizzes.services import review
from quizzes.services.attempts import checked_review_item, marks_shown
from quizzes.services.snapshots import public_question

# --- Attempts (students) -------------------------------------------------------------------


@extend_schema_field(
    {
        "oneOf": [
            {"type": "integer", "description": "single_choice, true_false: a choice id"},
            {
                "type": "array",
                "items": {"type": "integer"},
                "description": "multiple_response: choice ids",
            },
            {"type": "string", "description": "short_answer, cloze: the text"},
            {"type": "number", "description": "numeric: the value"},
            {
                "type": "object",
                "additionalProperties": {"type": "string", "nullable": True},
                "description": "matching: {stem id: answer id}; a stem left out (or null) is "
                "unanswered",
            },
            {
                "type": "array",
                "items": {
                    "type": "array",
                    "items": {"type": "string"},
                    "minItems": 2,
                    "maxItems": 2,
                },
                "description": "matching, the same as pairs: [[stem id, answer id], …]",
            },
            {
                "type": "array",
                "items": {"type": "string"},
                "description": "ordering: every item id, each once, in the student's order",
            },
        ],
        "nullable": True,
    }
)
class AnswerField(serializers.JSONField):
    """An answer in the shape its question's kind takes; null clears it."""


class PublicChoiceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    text = serializers.CharField()


class PublicPartSerializer(serializers.Serializer):
    id = serializers.CharField(help_text="Opaque: it tells neither a stem's answer nor a place.")
    text = serializers.CharField()


class PublicQuestionSerializer(serializers.Serializer):
    """A question as a student sees it while answering (`public_question`)."""

    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=QuestionKind.choices)
    text = serializers.CharField()
    choices = PublicChoiceSerializer(many=True)
    stems = PublicPartSerializer(
        many=True, required=False, help_text="Matching: the stems to give an answer each."
    )
    answers = PublicPartSerializer(
        many=True,
        required=False,
        help_text="Matching: the answers to pick from (shuffled; some may match no stem).",
    )
    items = PublicPartSerializer(
        many=True, required=False, help_text="Ordering: the items to order, shuffled."
    )


class ReviewPairSerializer(serializers.Serializer):
    stem = serializers.CharField()
    given = serializers.CharField(help_text="The answer picked (empty: none).")
    right = serializers.CharField(
        allow_null=True, help_text="The stem's answer; null unless the review shows right answers."
    )
    correct = serializers.BooleanField(
        allow_null=True, help_text="Matched right; null unless the review shows whether correct."
    )


class ReviewPlaceSerializer(serializers.Serializer):
    text = serializers.CharField(help_text="The item the student put at this place.")
    right = serializers.CharField(
        allow_null=True,
        help_text="The item that belongs here; null unless the review shows right answers.",
    )
    followed_right = serializers.BooleanField(
        allow_null=True,
        help_text="The next item is the right one (what earns credit); null for the last item "
        "and unless the review shows whether correct.",
    )


class ReviewChoiceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    text = serializers.CharField()
    selected = serializers.BooleanField(help_text="The student picked it.")
    correct = serializers.BooleanField(
        allow_null=True, help_text="A right option; null unless the review shows right answers."
    )


class ReviewSourceSerializer(serializers.Serializer):
    sentence = serializers.CharField(help_text="The article sentence the question came from.")
    fact = serializers.CharField(help_text="The fact's key (`?fact=` on the article page).")
    article = serializers.CharField(help_text="The article's slug.")
    article_title = serializers.CharField()


class ReviewItemSerializer(serializers.Serializer):
    """One question as the review (or Check) shows it (`quizzes.services.review.review_item`).

    Each nullable field is null, and `feedback` empty, unless the quiz's review options show it
    at this moment: `verdict` (whether correct), `score` and `fraction` (marks), `feedback`
    (specific feedback), `explanation` (general feedback), `correct_answer` and the options'
    `correct` (right answer), `source` (the source sentence).
    """

    slot = serializers.IntegerField()
    question = PublicQuestionSerializer()
    answer = AnswerField(allow_null=True)
    answer_text = serializers.CharField(help_text="The answer as the student gave it, in words.")
    answered = serializers.BooleanField()
    choices = ReviewChoiceSerializer(many=True, help_text="Choice questions: their options.")
    pairs = ReviewPairSerializer(many=True, help_text="Matching: stem by stem.")
    order = ReviewPlaceSerializer(many=True, help_text="Ordering: place by place, as answered.")
    right_order = serializers.ListField(
        child=serializers.CharField(),
        allow_null=True,
        help_text="Ordering: the items in the right order; null unless the review shows right "
        "answers.",
    )
    marks = GradeField(max_digits=6, decimal_places=2, help_text="Marks on offer.")
    score = GradeField(max_digits=8, decimal_places=2, allow_null=True)
    fraction = serializers.FloatField(allow_null=True)
    verdict = serializers.ChoiceField(
        choices=["correct", "partial", "incorrect", "unanswered"], allow_null=True
    )
    feedback = serializers.ListField(
        child=serializers.CharField(), help_text="The feedback on the options picked."
    )
    explanation = serializers.CharField(allow_null=True)
    correct_answer = serializers.CharField(allow_null=True)
    source = ReviewSourceSerializer(allow_null=True)


class ResponseOutputSerializer(ModelSerializer):
    """One question of an attempt, where the student stands on it; nothing about correctness
    unless the student checked it (immediate-feedback quizzes)."""

    question = serializers.SerializerMethodField()
    answer = AnswerField(allow_null=True)
    checked_result = serializers.SerializerMethodField()

    class Meta:
        model = Response
        fields = [
            "slot",
            "question",
            "marks",
            "answer",
            "answered_at",
            "flagged",
            "checked",
            "checked_result",
        ]

    @extend_schema_field(PublicQuestionSerializer)
    def get_question(self, response):
        return public_question(response.snapshot)

    @extend_schema_field(ReviewItemSerializer(allow_null=True))
    def get_checked_result(self, response):
        result = checked_review_item(response=response, quiz=response.attempt.quiz)
        return ReviewItemSerializer(result).data if result is not None else None


class AttemptSummarySerializer(ModelSerializer):
    quiz = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    quiz_title = serializers.CharField(source="quiz.title", read_only=True)
    passed = serializers.SerializerMethodField()

    class Meta:
        model = Attempt
        fields = [
            "id",
            "quiz",
            "quiz_title",
            "number",
            "state",
            "started_at",
            "deadline",
            "finished_at",
            "max_score",
            "score",
            "grade",
            "passed",
        ]

    def get_passed(self, attempt) -> bool | None:
        return attempt.passed

    # A student sees the score, grade and passed only when the quiz's review options show the
    # marks now (null until then); a teacher's results list always does.
    shows_marks_always = False

    def to_representation(self, attempt):
        data = super().to_representation(attempt)
        now = self.context.get("now") or timezone.now()
        if not self.shows_marks_always and not marks_shown(attempt=attempt, now=now):
            data.update(score=None, grade=None, passed=None)
        return data


class AttemptSerializer(AttemptSummarySerializer):
    """An attempt with its questions in the order this student sees them."""

    questions = ResponseOutputSerializer(source="responses", many=True, read_only=True)
    feedback_mode = serializers.CharField(source="quiz.feedback_mode", read_only=True)

    class Meta(AttemptSummarySerializer.Meta):
        fields = [*AttemptSummarySerializer.Meta.fields, "feedback_mode", "questions"]


# DRF's own fields, for `attempt_data` to write dates and grades exactly as the serializers do.
_DATETIME = serializers.DateTimeField()
_GRADE = GradeField(max_digits=8, decimal_places=2)


def _moment(value):
    return None if value is None else _DATETIME.to_representation(value)


def _grade(value):
    return None if value is None else _GRADE.to_representation(value)


def attempt_data(attempt: Attempt, *, responses: list[Response] | None = None, now=None) -> dict:
    """`AttemptSerializer(attempt).data`, written without DRF's fields: what a start answers.

    A start answers with every question of the attempt (twenty, fifty), and building and running
    the ModelSerializer's fields for each cost more than the rest of the answer. The schema is
    still `AttemptSerializer`'s; tests/test_lean_start.py pins this to what it gives, for every
    kind of question. Load the attempt with its quiz and its responses (in slot order), or pass
    the `responses` (a start's `attempt.new_responses`).
    """
    now = now or timezone.now()
    hidden = not marks_shown(attempt=attempt, now=now)
    quiz = attempt.quiz
    return {
        "id": attempt.pk,
        "quiz": quiz.slug,
        "quiz_title": quiz.title,
        "number": attempt.number,
        "state": str(attempt.state),
        "started_at": _moment(attempt.started_at),
        "deadline": _moment(attempt.deadline),
        "finished_at": _moment(attempt.finished_at),
        "max_score": _grade(attempt.max_score),
        "score": None if hidden else _grade(attempt.score),
        "grade": None if hidden else _grade(attempt.grade),
        "passed": None if hidden else attempt.passed,
        "feedback_mode": quiz.feedback_mode,
        "questions": [
            {
                "slot": response.slot,
                "question": public_question(response.snapshot),
                "marks": _grade(response.marks),
                "answer": response.answer,
                "answered_at": _moment(response.answered_at),
                "flagged": response.flagged,
                "checked": response.checked,
                "checked_result": _checked_result(response, quiz),
            }
            for response in (attempt.responses.all() if responses is None else responses)
        ],
    }


def _checked_result(response: Response, quiz) -> dict | None:
    if not response.checked:
        return None
    result = checked_review_item(response=response, quiz=quiz)
    return ReviewItemSerializer(result).data if result is not None else None


class AnswerInputSerializer(serializers.Serializer):
    answer = AnswerField(
        allow_null=True,
        help_text="single_choice/true_false: a choice id; multiple_response: a list of choice "
        "ids; short_answer/cloze: text; numeric: a number; matching: {stem id: answer id}; "
        "ordering: the item ids in order; null clears the answer.",
    )
    flagged = serializers.BooleanField(required=False, help_text="Mark it to come back to.")


class SavedAnswerSerializer(ModelSerializer):
    """What was saved (the answer as cleaned: trimmed text, sorted ids)."""

    question = serializers.IntegerField(source="question_id")
    answer = AnswerField(allow_null=True)

    class Meta:
        model = Response
        fields = ["question", "slot", "answer", "answered_at", "flagged", "checked"]


_api_datetime = serializers.DateTimeField().to_representation


def saved_answer_data(response: Response) -> dict:
    """`SavedAnswerSerializer(response).data` (the schema's), written as the plain dict it is:
    the answer save is the API's busiest call, and the serializer spent more CPU building its
    six fields on every call than the save's own UPDATE took to compile."""
    return {
        "question": response.question_id,
        "slot": response.slot,
        "answer": response.answer,
        "answered_at": (
            None if response.answered_at is None else _api_datetime(response.answered_at)
        ),
        "flagged": response.flagged,
        "checked": response.checked,
    }


class CheckResultSerializer(SavedAnswerSerializer):
    result = serializers.SerializerMethodField()

    class Meta(SavedAnswerSerializer.Meta):
        fields = [*SavedAnswerSerializer.Meta.fields, "result"]

    @extend_schema_field(ReviewItemSerializer)
    def get_result(self, response):
        item = checked_review_item(response=response, quiz=self.context["quiz"])
        return ReviewItemSerializer(item).data


class FinishResultSerializer(AttemptSummarySerializer):
    maximum_grade = GradeField(
        source="quiz.maximum_grade", max_digits=6, decimal_places=2, read_only=True
    )
    pass_mark = GradeField(
        source="quiz.pass_mark", max_digits=6, decimal_places=2, read_only=True, allow_null=True
    )

    class Meta(AttemptSummarySerializer.Meta):
        fields = [*AttemptSummarySerializer.Meta.fields, "maximum_grade", "pass_mark"]


_ShowsSerializer = review_moment_serializer(
    "ReviewShowsSerializer",
    review.OPTION_NAMES,
    "What this review shows now, from the quiz's review options.",
    required=True,
)


class ReviewSerializer(serializers.Serializer):
    attempt = AttemptSummarySerializer(help_text="Score, grade and passed: null unless marks show.")
    moment = serializers.ChoiceField(
        choices=list(review.MOMENT_NAMES.values()),
        help_text="Which of the quiz's review moments it is now.",
    )
    shows = _ShowsSerializer()
    note = serializers.CharField(help_text="What the review leaves out now, and until when.")
    questions = ReviewItemSerializer(many=True)


class ResultRowSerializer(AttemptSummarySerializer):
    """One attempt in a teacher's results list."""

    user = serializers.SlugRelatedField(slug_field="username", read_only=True)
    shows_marks_always = True

    class Meta(AttemptSummarySerializer.Meta):
        fields = ["user", *AttemptSummarySerializer.Meta.fields]
