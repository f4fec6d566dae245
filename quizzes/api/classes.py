"""Classes in the REST API: classes, joining and leaving, rosters, assignments and overrides.

    GET  /api/classes/                       the classes I teach and those I attend
    POST /api/classes/                       {name} (teachers): a new class, with its join code
    GET  /api/classes/{id}/                  one of them
    POST /api/classes/join/                  {code} (students): join the class with that code
    POST /api/classes/{id}/leave/            leave a class I attend
    POST /api/classes/{id}/reset-code/       a new join code (its teachers)
    POST /api/classes/{id}/roster/           {csv} or a text/csv body: enrol by username or email
    DELETE /api/classes/{id}/students/{uid}/ take a student out (its teachers)
    POST /api/classes/{id}/assignments/      {quiz: slug | deck: slug, opens, closes} (teachers)
    GET  /api/quizzes/{slug}/rules/          my own window, due date, time limit and attempts
    GET  /api/quizzes/{slug}/overrides/      the overrides on a quiz for my classes and students
    POST /api/quizzes/{slug}/overrides/      {user: id | class: id, extra_minutes, …}

A class the user does not teach is a 404 for the teachers' actions (and one they neither teach
nor attend a 404 everywhere): nobody learns which classes exist. The rules are
`quizzes.services.classes`; how overrides combine is said there and in the README.
"""

from __future__ import annotations

from decimal import Decimal

from django.contrib.auth import get_user_model
from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import mixins, parsers, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from quizzes.api.parsers import JSONParser
from quizzes.api.permissions import requires
from quizzes.cleaning import text_problems
from quizzes.models import Classroom, Enrolment, Quiz, QuizOverride
from quizzes.permissions import CREATE_CLASSES, can_edit
from quizzes.selectors import classes_visible_to
from quizzes.services import classes as class_services

OVERRIDE_PERMISSION = "quizzes.add_quizoverride"


class CSVTextParser(parsers.BaseParser):
    """A `text/csv` (or `text/plain`) body: the roster as it is, as `{"csv": text}`."""

    media_type = "text/csv"

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            text = stream.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ValidationError({"csv": ["The body is not UTF-8 text."]}) from None
        problems = text_problems({"csv": text})
        if problems:
            raise ValidationError(problems)
        return {"csv": text}


class PlainTextParser(CSVTextParser):
    media_type = "text/plain"


# --- serializers --------------------------------------------------------------------------


class StudentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()


class ClassroomSerializer(serializers.ModelSerializer):
    role = serializers.SerializerMethodField(
        help_text="teacher or student: mine to run, or to attend."
    )
    join_code = serializers.SerializerMethodField(
        help_text="The code students join with; only a teacher of the class sees it."
    )
    teachers = serializers.SlugRelatedField(many=True, read_only=True, slug_field="username")
    student_count = serializers.SerializerMethodField()
    students = serializers.SerializerMethodField(
        help_text="The students, for a teacher of the class (null for a student: classmates "
        "are not listed)."
    )

    class Meta:
        model = Classroom
        fields = [
            "id",
            "name",
            "role",
            "join_code",
            "teachers",
            "student_count",
            "students",
            "created_at",
        ]

    def _teaches(self, classroom) -> bool:
        user = self.context["request"].user
        teaches = getattr(classroom, "_teaches", None)
        if teaches is None:
            teaches = classroom.is_taught_by(user)
        return bool(teaches or user.is_superuser)

    def get_role(self, classroom) -> str:
        return "teacher" if self._teaches(classroom) else "student"

    def get_join_code(self, classroom) -> str | None:
        return classroom.join_code if self._teaches(classroom) else None

    @extend_schema_field(StudentSerializer(many=True, allow_null=True))
    def get_students(self, classroom):
        if not self._teaches(classroom):
            return None
        return StudentSerializer(classroom.students.all(), many=True).data

    def get_student_count(self, classroom) -> int | None:
        count = getattr(classroom, "_student_count", None)
        if count is None:
            count = classroom.enrolments.count()
        return count


class ClassroomCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)


class JoinSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=40, help_text="The class's join code (any case).")


class RosterSerializer(serializers.Serializer):
    csv = serializers.CharField(
        allow_blank=True,
        help_text="One username or email a line (the first column of a CSV; a header line "
        "`username` or `email` is skipped). All or nothing: a line naming nobody enrols nobody "
        "and is reported as \"line N: no user 'name'\".",
    )


class RosterResultSerializer(serializers.Serializer):
    added = serializers.ListField(child=serializers.CharField(), help_text="Usernames enrolled.")
    already = serializers.ListField(
        child=serializers.CharField(), help_text="Usernames that were in the class already."
    )


class AssignmentInputSerializer(serializers.Serializer):
    quiz = serializers.SlugField(required=False, help_text="A quiz's slug…")
    deck = serializers.SlugField(required=False, help_text="…or a deck's (one of the two).")
    opens = serializers.DateTimeField(
        required=False, allow_null=True, help_text="Empty: the quiz's own opening (a deck: now)."
    )
    closes = serializers.DateTimeField(
        required=False, allow_null=True, help_text="The due date. Empty: the quiz's own (none)."
    )

    def validate_quiz(self, slug):
        # A teacher assigns their own and shared quizzes (another's is "no quiz", as its URL).
        request = self.context.get("request")
        quizzes = Quiz.objects.visible_to_teacher(request.user) if request else Quiz.objects
        quiz = quizzes.filter(slug=slug).first()
        if quiz is None:
            raise serializers.ValidationError(f"No quiz has the slug “{slug}”.")
        return quiz

    def validate_deck(self, slug):
        assignable = class_services.ASSIGNABLES.get("deck")
        deck = assignable.find(slug) if assignable else None
        request = self.context.get("request")
        if deck is not None and request is not None and not can_edit(request.user, deck):
            deck = None  # another teacher's deck: "no deck", as its URL says
        if deck is None:
            raise serializers.ValidationError(f"No deck has the slug “{slug}”.")
        return deck

    def validate(self, attrs):
        if ("quiz" in attrs) == ("deck" in attrs):
            raise serializers.ValidationError({"quiz": ["Give one of `quiz` or `deck` (a slug)."]})
        return attrs


class AssignmentSerializer(serializers.Serializer):
    """A quiz's or a deck's assignment to a class."""

    id = serializers.IntegerField()
    classroom = serializers.IntegerField(source="classroom_id")
    quiz = serializers.SerializerMethodField()
    deck = serializers.SerializerMethodField()
    opens = serializers.DateTimeField(allow_null=True)
    closes = serializers.DateTimeField(allow_null=True, help_text="The due date.")
    created_at = serializers.DateTimeField()

    def get_quiz(self, assignment) -> str | None:
        quiz = getattr(assignment, "quiz", None)
        return quiz.slug if quiz is not None else None

    def get_deck(self, assignment) -> str | None:
        deck = getattr(assignment, "deck", None)
        return deck.slug if deck is not None else None


class _OverrideFields(serializers.Serializer):
    user = serializers.IntegerField(
        required=False, allow_null=True, help_text="A student of a class you teach…"
    )
    extra_minutes = serializers.IntegerField(
        required=False, allow_null=True, min_value=0, max_value=100_000
    )
    time_multiplier = serializers.DecimalField(
        required=False,
        allow_null=True,
        max_digits=4,
        decimal_places=2,
        min_value=Decimal("0.01"),
        help_text="The time limit times this (1.5: half as much again), before extra minutes.",
    )
    extra_attempts = serializers.IntegerField(
        required=False, allow_null=True, min_value=0, max_value=1000
    )
    opens = serializers.DateTimeField(required=False, allow_null=True)
    closes = serializers.DateTimeField(required=False, allow_null=True)


# `class` is a Python keyword, so the field is added by name.
OverrideInputSerializer = type(
    "OverrideInputSerializer",
    (_OverrideFields,),
    {
        "class": serializers.IntegerField(
            required=False, allow_null=True, help_text="…or a class you teach (one of the two)."
        ),
        "__doc__": "One override: for `user` or for `class` (exactly one). Fields not given "
        "are emptied.",
    },
)


class OverrideSerializer(serializers.ModelSerializer):
    quiz = serializers.SlugRelatedField(read_only=True, slug_field="slug")

    class Meta:
        model = QuizOverride
        fields = [
            "id",
            "quiz",
            "user",
            "classroom",
            "extra_minutes",
            "time_multiplier",
            "extra_attempts",
            "opens",
            "closes",
            "updated_at",
        ]


class RulesSerializer(serializers.Serializer):
    """The rules the signed-in student takes a quiz under (`effective_rules`)."""

    opens = serializers.DateTimeField(allow_null=True, help_text="Null: open from the start.")
    closes = serializers.DateTimeField(
        allow_null=True, help_text="Null: never closes. The due date when the quiz is assigned."
    )
    time_limit_seconds = serializers.SerializerMethodField(help_text="Null: untimed.")
    attempts_allowed = serializers.IntegerField(allow_null=True, help_text="Null: unlimited.")
    assigned = serializers.BooleanField(help_text="Assigned to a class of mine.")
    accommodated = serializers.BooleanField(help_text="An override (mine or my class's) applies.")

    def get_time_limit_seconds(self, rules) -> int | None:
        return int(rules.time_limit.total_seconds()) if rules.time_limit else None


# --- views ----------------------------------------------------------------------------------


def _taught_class(request, pk) -> Classroom:
    classroom = Classroom.objects.taught_by(request.user).filter(pk=pk).first()
    if classroom is None:
        raise Http404("No class of yours has this id.")
    return classroom


@extend_schema_view(
    list=extend_schema(summary="My classes: those I teach and those I attend"),
    retrieve=extend_schema(summary="One of my classes"),
    create=extend_schema(
        summary="Create a class (teachers); the answer holds its join code",
        request=ClassroomCreateSerializer,
        responses={201: ClassroomSerializer},
    ),
    join=extend_schema(
        summary="Join a class with its code (students)",
        request=JoinSerializer,
        responses={
            201: OpenApiResponse(ClassroomSerializer, description="Joined."),
            200: OpenApiResponse(ClassroomSerializer, description="Already in the class."),
        },
    ),
    leave=extend_schema(summary="Leave a class I attend", request=None, responses={204: None}),
    reset_code=extend_schema(
        summary="A new join code (its teachers); the old one stops working",
        request=None,
        responses={200: ClassroomSerializer},
    ),
    roster=extend_schema(
        summary="Enrol students by username or email (its teachers), all or nothing",
        description='A JSON body `{"csv": "ann\\nbob@example.org"}`, or the CSV itself '
        "with `Content-Type: text/csv`. A 400 names each line at fault "
        '(`{"csv": ["line 2: no user \'carol\'"]}`) and enrols nobody.',
        request=RosterSerializer,
        responses={200: RosterResultSerializer},
    ),
    remove_student=extend_schema(
        summary="Take a student out of the class (its teachers); their attempts stay",
        request=None,
        responses={204: None},
    ),
    assignments=extend_schema(
        summary="Assign a quiz or a deck to the class with its dates (its teachers)",
        description='`{"quiz": slug}` or `{"deck": slug}`, with `opens` and `closes` (the '
        "due date). Assigning it again changes the dates of its assignment (200).",
        request=AssignmentInputSerializer,
        responses={
            201: OpenApiResponse(AssignmentSerializer, description="Assigned."),
            200: OpenApiResponse(AssignmentSerializer, description="Its dates changed."),
        },
    ),
)
class ClassroomViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = ClassroomSerializer
    pagination_class = None  # a teacher's or a student's classes: a handful
    lookup_value_regex = r"\d+"  # an id; anything else is a 404, not a lookup

    def get_queryset(self):
        return classes_visible_to(self.request.user)

    def create(self, request):
        if not requires(CREATE_CLASSES)().has_permission(request, self):
            self.permission_denied(request, message="Only teachers may create classes.")
        serializer = ClassroomCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        classroom = class_services.classroom_create(
            teacher=request.user, name=serializer.validated_data["name"]
        )
        return self._answer(classroom, status.HTTP_201_CREATED)

    def _answer(self, classroom, status_code=status.HTTP_200_OK):
        classroom = self.get_queryset().get(pk=classroom.pk)
        return Response(
            ClassroomSerializer(classroom, context=self.get_serializer_context()).data,
            status=status_code,
        )

    @action(detail=False, methods=["post"])
    def join(self, request):
        serializer = JoinSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        classroom, joined = class_services.classroom_join(
            student=request.user, code=serializer.validated_data["code"]
        )
        return self._answer(classroom, status.HTTP_201_CREATED if joined else status.HTTP_200_OK)

    @action(detail=True, methods=["post"])
    def leave(self, request, pk=None):
        classroom = Classroom.objects.attended_by(request.user).filter(pk=pk).first()
        if classroom is None:
            raise Http404("You are not in a class with this id.")
        class_services.classroom_leave(classroom=classroom, student=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @action(detail=True, methods=["post"], url_path="reset-code")
    def reset_code(self, request, pk=None):
        classroom = class_services.classroom_reset_code(classroom=_taught_class(request, pk))
        return self._answer(classroom)

    @action(
        detail=True,
        methods=["post"],
        parser_classes=[JSONParser, CSVTextParser, PlainTextParser, parsers.FormParser],
    )
    def roster(self, request, pk=None):
        classroom = _taught_class(request, pk)
        serializer = RosterSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        result = class_services.roster_import(
            classroom=classroom, csv_text=serializer.validated_data["csv"]
        )
        return Response(
            RosterResultSerializer(
                {
                    "added": [user.get_username() for user in result.added],
                    "already": [user.get_username() for user in result.already],
                }
            ).data
        )

    @action(
        detail=True,
        methods=["delete"],
        url_path=r"students/(?P<user_id>\d+)",
        url_name="remove-student",
    )
    def remove_student(self, request, pk=None, user_id=None):
        classroom = _taught_class(request, pk)
        enrolment = get_object_or_404(Enrolment, classroom=classroom, student_id=user_id)
        class_services.unenrol(classroom=classroom, student=enrolment.student)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @action(detail=True, methods=["post"])
    def assignments(self, request, pk=None):
        classroom = _taught_class(request, pk)
        serializer = AssignmentInputSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        dates = {"opens": data.get("opens"), "closes": data.get("closes")}
        if "deck" in data:
            assign = class_services.ASSIGNABLES["deck"].assign
            assignment, created = assign(classroom=classroom, item=data["deck"], **dates)
        else:
            assignment, created = class_services.assign_quiz(
                classroom=classroom, quiz=data["quiz"], **dates
            )
        return Response(
            AssignmentSerializer(assignment).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class QuizOverridesView(GenericAPIView):
    """The overrides (accommodations) on one quiz, for the classes and students I teach."""

    serializer_class = OverrideSerializer
    queryset = QuizOverride.objects.none()  # for the schema: the handlers pick their own
    permission_classes = [requires(OVERRIDE_PERMISSION, message="Only teachers may do this.")]
    pagination_class = None

    def get_quiz(self, slug) -> Quiz:
        return get_object_or_404(Quiz, slug=slug)

    @extend_schema(
        operation_id="quizzes_overrides_list",
        summary="The overrides on a quiz for my classes and their students (teachers)",
        responses={200: OverrideSerializer(many=True)},
        tags=["quizzes"],
    )
    def get(self, request, slug):
        quiz = self.get_quiz(slug)
        overrides = (
            QuizOverride.objects.visible_to(request.user)
            .filter(quiz=quiz)
            .select_related("quiz")
            .order_by("pk")
        )
        return Response(OverrideSerializer(overrides, many=True).data)

    @extend_schema(
        operation_id="quizzes_overrides_set",
        summary="Set the override of a quiz for a student or a class (teachers)",
        description=(
            "Extra time (`extra_minutes`, `time_multiplier`), `extra_attempts`, and other dates "
            "(`opens`, `closes`) for one `user` or one `class` (exactly one). Setting it again "
            "replaces it (fields not given are emptied). The student's time limit is "
            "limit × multiplier + extra minutes; a student's own override wins over their "
            "class's field by field (README, Classes)."
        ),
        request=OverrideInputSerializer,
        responses={
            201: OpenApiResponse(OverrideSerializer, description="Created."),
            200: OpenApiResponse(OverrideSerializer, description="Replaced."),
        },
        tags=["quizzes"],
    )
    def post(self, request, slug):
        quiz = self.get_quiz(slug)
        serializer = OverrideInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        user_id, class_id = data.pop("user", None), data.pop("class", None)
        if (user_id is None) == (class_id is None):
            raise ValidationError(
                {"non_field_errors": ["Give one of `user` (a student) or `class`."]}
            )
        target = {}
        if class_id is not None:
            classroom = Classroom.objects.taught_by(request.user).filter(pk=class_id).first()
            if classroom is None:
                raise ValidationError({"class": ["No class you teach has this id."]})
            target["classroom"] = classroom
        else:
            students = get_user_model().objects.filter(pk=user_id)
            if not request.user.is_superuser:
                students = students.filter(
                    pk__in=Enrolment.objects.taught_by(request.user).values("student")
                )
            student = students.first()
            if student is None:
                raise ValidationError({"user": ["No student of a class you teach has this id."]})
            target["user"] = student
        existed = QuizOverride.objects.filter(quiz=quiz, **target).exists()
        override = class_services.override_set(quiz=quiz, **target, **data)
        return Response(
            OverrideSerializer(override).data,
            status=status.HTTP_200_OK if existed else status.HTTP_201_CREATED,
        )


class QuizRulesView(GenericAPIView):
    """My own rules on one quiz: its window or my class's, my time limit and attempts."""

    serializer_class = RulesSerializer
    queryset = Quiz.objects.none()  # for the schema: the handler picks its own
    pagination_class = None

    @extend_schema(
        operation_id="quizzes_rules",
        summary="My rules on a quiz: window, due date, time limit and attempts, with overrides",
        description="What `effective_rules` gives the signed-in user: the quiz's own settings, "
        "their class's assignment window and the overrides (theirs and their class's). The "
        "attempt's deadline is its start plus `time_limit_seconds`, or `closes` if sooner.",
        responses={200: RulesSerializer},
        tags=["quizzes"],
    )
    def get(self, request, slug):
        quiz = Quiz.objects.visible_to(request.user).filter(slug=slug).first()
        if quiz is None:
            raise Http404("No such quiz.")
        rules = class_services.effective_rules(quiz=quiz, user=request.user)
        return Response(RulesSerializer(rules).data)
