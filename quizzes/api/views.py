"""API views: validate input, call one service, serialize the result.

Object visibility is decided in `get_queryset()` (a student's attempts, open quizzes), so a
list never shows what a detail view would refuse, and another student's attempt is a 404.
"""

from django.db.models import Count, Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import (
    action,
    api_view,
    authentication_classes,
    permission_classes,
    throttle_classes,
)
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import SAFE_METHODS, AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from quizzes.api import interchange as io
from quizzes.api import serializers as s
from quizzes.api.filters import FactFilter, QuestionFilter, QuizFilter
from quizzes.api.permissions import (
    ReadOrTeacherModelPermissions,
    TeacherModelPermissions,
    requires,
)
from quizzes.api.throttling import AnonThrottle, ScopedThrottle
from quizzes.api.tokens import ExpiringTokenAuthentication, token_create, tokens_revoke
from quizzes.interchange import FormatError, WriteError
from quizzes.models import Article, Attempt, Fact, Question, Quiz, QuizQuestion, QuizRandomSlot
from quizzes.models import Response as QuizResponse
from quizzes.permissions import (
    EXPORT_QUESTIONS,
    GENERATE_QUESTIONS,
    IMPORT_QUESTIONS,
    READ_RESULTS,
    SEE_ALL_QUIZZES,
    can,
)
from quizzes.selectors import questions_to_export, response_for_owner, visible_quiz
from quizzes.services import attempts as attempt_services
from quizzes.services.authoring import QuestionInvalid, tag_slug
from quizzes.services.bank_building import generate_questions
from quizzes.services.exceptions import InvalidAnswer, ReviewNotAllowed
from quizzes.services.interchange import (
    CONTENT_TYPES,
    export_filename,
    export_questions,
    import_questions,
)
from quizzes.services.review import MOMENT_NAMES


@extend_schema(exclude=True)
@api_view(["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"])
@authentication_classes([])
@permission_classes([AllowAny])
@throttle_classes([])
def api_not_found(request, *args, **kwargs):
    raise NotFound("No such API endpoint.")


# --- Auth ----------------------------------------------------------------------------------


class TokenView(APIView):
    """Log in for an API token (POST), or log that token out (DELETE)."""

    authentication_classes = [ExpiringTokenAuthentication]
    throttle_scope = "login"

    def get_permissions(self):
        return [AllowAny()] if self.request.method == "POST" else [IsAuthenticated()]

    def get_throttles(self):
        if self.request.method == "POST":
            return [AnonThrottle(), ScopedThrottle()]
        return super().get_throttles()

    def get_authenticators(self):
        # A login needs no token; sending a stale one must not turn it into a 401.
        if self.request is not None and self.request.method == "POST":
            return []
        return super().get_authenticators()

    @extend_schema(
        operation_id="auth_token",
        summary="Log in: a new token for a username and password",
        description=(
            "Each login makes a new token, valid for `API_TOKEN_HOURS` (24 by default). Too many "
            "failed logins for an account or from an address are refused with 429 and "
            "`code: locked_out` until the cool-off ends, the right password included."
        ),
        request=s.TokenRequestSerializer,
        responses={200: s.TokenSerializer},
        auth=[],
        tags=["auth"],
    )
    def post(self, request):
        serializer = s.TokenRequestSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        instance, token = token_create(user=serializer.validated_data["user"])
        return Response(s.TokenSerializer({"token": token, "expiry": instance.expiry}).data)

    @extend_schema(
        operation_id="auth_token_logout",
        summary="Log out: revoke the token this request is sent with",
        request=None,
        responses={204: None},
        tags=["auth"],
    )
    def delete(self, request):
        request.auth.delete()
        return Response(status=status.HTTP_204_NO_CONTENT)


class TokensView(APIView):
    """Every token of the signed-in user."""

    @extend_schema(
        operation_id="auth_tokens_logout_everywhere",
        summary="Log out everywhere: revoke every token of this user",
        description="Works with a token or a browser session (with its CSRF header).",
        request=None,
        responses={204: None},
        tags=["auth"],
    )
    def delete(self, request):
        tokens_revoke(user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- Teachers: content and the question bank -----------------------------------------------


def owned_for(request, queryset):
    """The owned content a teacher's request acts on: what they see when reading, what they may
    edit when writing (the same today; see `OwnedQuerySet.visible_to_teacher`). Anything else is
    a 404: another teacher's item is not said to exist."""
    user = request.user
    if request.method in SAFE_METHODS:
        return queryset.visible_to_teacher(user)
    return queryset.editable_by(user)


@extend_schema_view(
    list=extend_schema(summary="List articles (teachers)"),
    generate=extend_schema(
        summary="Generate questions from the article's facts (teachers)",
        request=s.GenerateRequestSerializer,
        responses={200: s.GenerationReportSerializer},
    ),
)
class ArticleViewSet(viewsets.ModelViewSet):
    """Articles by slug (teachers)."""

    queryset = Article.objects.none()  # for the schema; requests use get_queryset()
    serializer_class = s.ArticleSerializer
    permission_classes = [TeacherModelPermissions]
    lookup_field = "slug"
    lookup_value_regex = r"[-\w]+"  # what a slug can be; anything else is a 404, not a lookup

    def get_queryset(self):
        # The teacher's own and shared articles: another teacher's is a 404, read or written.
        return (
            owned_for(self.request, Article.objects)
            .annotate(fact_count=Count("facts"))
            .select_related("owner")
            .prefetch_related("shared_with")
            .order_by("-published", "title")
        )

    def perform_create(self, serializer):
        serializer.save(owner=self.request.user)

    # What the admin's "Generate questions" action asks for, not a change to the article.
    @action(detail=True, methods=["post"], permission_classes=[requires(*GENERATE_QUESTIONS)])
    def generate(self, request, slug=None):
        article = self.get_object()
        params = s.GenerateRequestSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        report = generate_questions(
            facts=list(Fact.objects.filter(article=article).select_related("article")),
            kinds=params.validated_data.get("kinds"),
            seed=params.validated_data["seed"],
            dry_run=params.validated_data["dry_run"],
            owner=request.user,
        )
        return Response(report.as_dict())


class FactViewSet(viewsets.ModelViewSet):
    """Facts recorded from articles (teachers). Filter by `article` slug and `kind`."""

    queryset = Fact.objects.none()  # for the schema; requests use get_queryset()
    serializer_class = s.FactSerializer
    permission_classes = [TeacherModelPermissions]
    filterset_class = FactFilter

    def get_queryset(self):
        # The facts of the teacher's own and shared articles (a fact is its article's).
        return (
            owned_for(self.request, Fact.objects)
            .select_related("article")
            .order_by("article", "position", "pk")
        )


class IgnoreFormatParameter(DefaultContentNegotiation):
    """The export's `?format=` names the file's format, not a renderer (DRF's own reading of
    it): the response is the file, whatever it says."""

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


@extend_schema_view(
    import_file=extend_schema(
        operation_id="questions_import",
        summary="Import a GIFT, Moodle XML or Aiken file into the bank (teachers)",
        description=(
            "Whole or nothing, and idempotent: questions are known by their name within `tag`, "
            "so importing a file again updates what changed. A file that cannot be read is a "
            "400 whose `file` messages name the line and the reason; so are questions "
            "Factcards cannot hold (essay, description, calculated, drag and drop…) unless "
            "`skip_unsupported` imports the rest, the 400 then carrying the `report` too."
        ),
        request={"multipart/form-data": io.ImportRequestSerializer},
        responses={200: io.ImportReportSerializer},
    ),
    export=extend_schema(
        operation_id="questions_export",
        summary="Export questions as GIFT or Moodle XML (teachers)",
        description="The file itself, with a `Content-Disposition` file name.",
        parameters=[io.ExportQuerySerializer],
        responses={
            (200, "text/plain"): OpenApiTypes.STR,
            (200, "application/xml"): OpenApiTypes.STR,
        },
    ),
)
class QuestionViewSet(viewsets.ModelViewSet):
    """The question bank (teachers), with choices and accepted answers nested.

    Filter by `kind`, `article` (slug) and `tag` (slug).
    """

    queryset = Question.objects.none()  # for the schema; requests use get_queryset()
    serializer_class = s.QuestionSerializer
    permission_classes = [TeacherModelPermissions]
    filterset_class = QuestionFilter

    def get_queryset(self):
        # The teacher's own and shared questions: another teacher's is a 404, read or written.
        return (
            owned_for(self.request, Question.objects)
            .with_parts()
            .select_related("owner")
            .prefetch_related("shared_with")
            .order_by("pk")
        )

    def perform_create(self, serializer):
        serializer.save(owner=self.request.user)

    @action(
        detail=False,
        methods=["post"],
        url_path="import",
        parser_classes=[MultiPartParser, FormParser],
        permission_classes=[requires(*IMPORT_QUESTIONS)],
        filterset_class=None,
    )
    def import_file(self, request):
        params = io.ImportRequestSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        upload = params.validated_data["file"]
        try:
            report = import_questions(
                data=upload.read(),
                format=params.validated_data.get("format"),
                filename=upload.name or "",
                tag=params.validated_data.get("tag"),
                dry_run=params.validated_data["dry_run"],
                skip_unsupported=params.validated_data["skip_unsupported"],
                owner=request.user,
            )
        except FormatError as error:
            raise ValidationError({"file": [str(problem) for problem in error.problems]}) from error
        except QuestionInvalid as error:
            raise ValidationError(error.field_messages) from error
        if report.blocked:
            return Response(
                {"file": [str(item) for item in report.refused], "report": report.as_dict()},
                status=status.HTTP_400_BAD_REQUEST,
            )
        return Response(report.as_dict())

    @action(
        detail=False,
        methods=["get"],
        permission_classes=[requires(*EXPORT_QUESTIONS)],
        content_negotiation_class=IgnoreFormatParameter,
        filterset_class=None,
    )
    def export(self, request):
        params = io.ExportQuerySerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        fmt = params.validated_data["format"]
        quiz = None
        if params.validated_data.get("quiz"):
            quizzes = Quiz.objects.visible_to_teacher(request.user)
            quiz = quizzes.filter(slug=params.validated_data["quiz"]).first()
            if quiz is None:
                raise ValidationError({"quiz": ["No quiz with this slug."]})
        questions = questions_to_export(
            tags=[tag_slug(t) for t in params.validated_data.get("tag", [])],
            quiz=quiz,
            articles=params.validated_data.get("article", []),
        )
        if quiz is None:  # a quiz of the teacher's exports its questions, whoever wrote them
            questions = questions.visible_to_teacher(request.user)
        try:
            text = export_questions(questions=questions, format=fmt)
        except WriteError as error:
            raise ValidationError({"format": [str(error)]}) from error
        stem = quiz.slug if quiz is not None else "questions"
        response = HttpResponse(text, content_type=CONTENT_TYPES[fmt])
        response["Content-Disposition"] = f'attachment; filename="{export_filename(stem, fmt)}"'
        return response


# --- Quizzes -------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="List quizzes",
        description="Students see the published quizzes that are open now; teachers see all.",
    ),
    retrieve=extend_schema(
        summary="A quiz, with the student's standing on it",
        responses={200: s.StudentQuizSerializer},
    ),
    create=extend_schema(
        summary="Create a quiz (teachers)",
        request=s.QuizWriteSerializer,
        responses={201: s.QuizSerializer},
    ),
    update=extend_schema(
        summary="Change a quiz (teachers)",
        request=s.QuizWriteSerializer,
        responses={200: s.QuizSerializer},
    ),
    partial_update=extend_schema(
        summary="Change part of a quiz (teachers)",
        request=s.QuizWriteSerializer,
        responses={200: s.QuizSerializer},
    ),
    destroy=extend_schema(summary="Delete a quiz nobody has attempted (teachers)"),
    attempts=extend_schema(
        summary="Start an attempt (or resume the one in progress)",
        request=None,
        responses={
            201: OpenApiResponse(s.AttemptSerializer, description="A new attempt."),
            200: OpenApiResponse(s.AttemptSerializer, description="The attempt in progress."),
        },
    ),
    results=extend_schema(
        summary="Every student's attempts and grades (teachers)",
        responses={200: s.ResultRowSerializer(many=True)},
    ),
)
class QuizViewSet(viewsets.ModelViewSet):
    serializer_class = s.QuizSerializer
    permission_classes = [ReadOrTeacherModelPermissions]
    filterset_class = QuizFilter
    lookup_field = "slug"
    lookup_value_regex = r"[-\w]+"  # what a slug can be; anything else is a 404, not a lookup

    def get_queryset(self):
        queryset = (
            Quiz.objects.annotate(question_count=Count("quiz_questions"))
            .prefetch_related("tags")
            .order_by("title", "pk")
        )
        if can(self.request.user, SEE_ALL_QUIZZES):
            # A teacher's quizzes are their own and shared ones, in every state; another
            # teacher's is a 404 here (read, written or its results). Taking one is the
            # `attempts` action's (any published quiz) and the site's.
            return (
                owned_for(self.request, queryset)
                .select_related("owner")
                .prefetch_related(
                    "shared_with",
                    Prefetch(
                        "quiz_questions", queryset=QuizQuestion.objects.order_by("order", "pk")
                    ),
                    Prefetch(
                        "random_slots",
                        queryset=QuizRandomSlot.objects.select_related("tag", "article"),
                    ),
                )
            )
        return queryset.available_to(self.request.user, timezone.now())

    def get_serializer_class(self):
        if self.action in {"create", "update", "partial_update"}:
            return s.QuizWriteSerializer
        return s.QuizSerializer

    def retrieve(self, request, *args, **kwargs):
        quiz = self.get_object()
        standing = attempt_services.quiz_standing_for_student(
            quiz=quiz, user=request.user, now=timezone.now()
        )
        context = {**self.get_serializer_context(), "standing": standing}
        return Response(s.StudentQuizSerializer(quiz, context=context).data)

    def _saved(self, quiz, status_code):
        quiz = self.get_queryset().get(pk=quiz.pk)
        return Response(
            s.QuizSerializer(quiz, context=self.get_serializer_context()).data, status=status_code
        )

    def create(self, request, *args, **kwargs):
        serializer = s.QuizWriteSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        quiz = serializer.save(owner=request.user)
        return self._saved(quiz, status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        serializer = s.QuizWriteSerializer(
            self.get_object(),
            data=request.data,
            partial=kwargs.get("partial", False),
            context=self.get_serializer_context(),
        )
        serializer.is_valid(raise_exception=True)
        return self._saved(serializer.save(), status.HTTP_200_OK)

    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated])
    def attempts(self, request, slug=None):
        # Any published quiz the student may see: a closed one is refused by the service with
        # its reason (403); one that is not for them is not found (404).
        quiz = visible_quiz(slug=slug, user=request.user)
        attempt, created = attempt_services.attempt_start(
            quiz=quiz, user=request.user, now=timezone.now()
        )
        # A new attempt comes with the responses it wrote (none read back); a resumed one is read.
        return Response(
            s.attempt_data(attempt, responses=attempt.new_responses)
            if created
            else s.attempt_data(_attempt_with_responses(attempt.pk)),
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )

    @action(
        detail=True,
        methods=["get"],
        permission_classes=[requires(READ_RESULTS)],
        filterset_class=None,
    )
    def results(self, request, slug=None):
        quiz = get_object_or_404(Quiz.objects.visible_to_teacher(request.user), slug=slug)
        attempts = (
            Attempt.objects.readable_by(request.user)
            .filter(quiz=quiz)
            .select_related("quiz", "user")
            .order_by("user__username", "number")
        )
        page = self.paginate_queryset(attempts)
        return self.get_paginated_response(s.ResultRowSerializer(page, many=True).data)


# --- Attempts (students) -------------------------------------------------------------------


QUESTION_ID = OpenApiParameter(
    "question_id", int, OpenApiParameter.PATH, description="The question's id (`question.id`)."
)


def _attempt_with_responses(pk):
    return (
        Attempt.objects.select_related("quiz")
        .prefetch_related(Prefetch("responses", queryset=QuizResponse.objects.order_by("slot")))
        .get(pk=pk)
    )


@extend_schema_view(
    list=extend_schema(summary="My attempts, newest first"),
    retrieve=extend_schema(summary="One of my attempts, with its questions as laid out"),
    answer=extend_schema(
        summary="Save the answer to one question",
        parameters=[QUESTION_ID],
        request=s.AnswerInputSerializer,
        responses={200: s.SavedAnswerSerializer},
    ),
    check=extend_schema(
        summary="Check one answer now (immediate-feedback quizzes); locks the answer",
        parameters=[QUESTION_ID],
        request=None,
        responses={200: s.CheckResultSerializer},
    ),
    finish=extend_schema(
        summary="Hand the attempt in: score, grade, passed",
        request=None,
        responses={200: s.FinishResultSerializer},
    ),
    review=extend_schema(
        summary="Review a finished attempt (when the quiz's review options allow)",
        responses={200: s.ReviewSerializer},
    ),
)
class AttemptViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The signed-in user's own attempts; anybody else's are a 404."""

    queryset = Attempt.objects.none()  # for the schema; requests use get_queryset()
    permission_classes = [IsAuthenticated]
    filterset_class = None
    throttle_scope = None  # the check action sets "check"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Attempt.objects.none()
        queryset = Attempt.objects.owned_by(self.request.user).select_related("quiz")
        if self.action in {"retrieve", "review"}:
            queryset = queryset.prefetch_related(
                Prefetch("responses", queryset=QuizResponse.objects.order_by("slot"))
            )
        return queryset.order_by("-started_at", "-pk")

    def get_serializer_class(self):
        return s.AttemptSerializer if self.action == "retrieve" else s.AttemptSummarySerializer

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        # Each attempt's marks show by the student's own closing date: read for the page at once.
        attempt_services.load_student_closes(page if page is not None else [])
        return page

    def get_object(self):
        attempt = super().get_object()
        now = timezone.now()
        if attempt_services.is_overdue(attempt, now):
            attempt_services.attempt_expire_if_overdue(attempt=attempt, now=now)
            attempt = super().get_object()  # fresh, with its graded responses
        return attempt

    def _response(self, attempt, question_id) -> QuizResponse:
        try:
            return QuizResponse.objects.get(attempt=attempt, question_id=int(question_id))
        except (QuizResponse.DoesNotExist, ValueError, OverflowError):
            raise Http404("No such question in this attempt.") from None

    @action(detail=True, methods=["put"], url_path=r"answers/(?P<question_id>[0-9]+)")
    def answer(self, request, pk=None, question_id=None):
        # One query: the response with its attempt, only if this user owns the attempt.
        current = response_for_owner(user=request.user, attempt_pk=pk, question_id=question_id)
        if current is None:
            current = self._response(self.get_object(), question_id)  # or 404: attempt, question
        attempt, now = current.attempt, timezone.now()
        if attempt_services.is_overdue(attempt, now):
            attempt = self.get_object()  # finishes it on this access; the save is then refused
        data = s.AnswerInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            response = attempt_services.attempt_save_answer(
                attempt=attempt,
                question_id=int(question_id),
                answer=data.validated_data["answer"],
                flagged=data.validated_data.get("flagged"),
                now=now,
                current=current,
            )
        except InvalidAnswer as exc:
            raise ValidationError({"answer": [exc.message]}) from exc
        return Response(s.saved_answer_data(response))

    @action(
        detail=True,
        methods=["post"],
        url_path=r"answers/(?P<question_id>[0-9]+)/check",
        throttle_scope="check",
    )
    def check(self, request, pk=None, question_id=None):
        attempt = self.get_object()
        self._response(attempt, question_id)
        response = attempt_services.attempt_check_answer(
            attempt=attempt, question_id=int(question_id), now=timezone.now()
        )
        return Response(s.CheckResultSerializer(response, context={"quiz": attempt.quiz}).data)

    @action(detail=True, methods=["post"])
    def finish(self, request, pk=None):
        attempt = attempt_services.attempt_finish(attempt=self.get_object(), now=timezone.now())
        return Response(s.FinishResultSerializer(attempt).data)

    @action(detail=True, methods=["get"])
    def review(self, request, pk=None):
        attempt, now = self.get_object(), timezone.now()
        access = attempt_services.review_access(attempt=attempt, now=now)
        if not access.allowed:
            raise ReviewNotAllowed(access.reason)
        review = {
            "attempt": attempt,
            "moment": MOMENT_NAMES[access.moment],
            "shows": access.options.as_dict(),
            "note": access.note,
            "questions": attempt_services.response_review_items(
                responses=attempt.responses.all(), options=access.options
            ),
        }
        return Response(s.ReviewSerializer(review, context={"now": now}).data)
