"""One error shape across the API.

- `{"detail": "...", "code": "..."}` for a refusal (401, 403, 404, 405, 409, 429, and the
  service refusals, `QuizError`);
- `{"field": ["message", ...], ...}` for bad input (400), as DRF's serializers report it, with
  `non_field_errors` for messages about the whole body.
"""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import ProtectedError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from quizzes.services import exceptions as quiz_errors

# The HTTP status of each service refusal; anything unlisted is a 400.
QUIZ_ERROR_STATUS: dict[type[quiz_errors.QuizError], int] = {
    quiz_errors.QuizNotOpen: status.HTTP_403_FORBIDDEN,
    quiz_errors.NoAttemptsLeft: status.HTTP_403_FORBIDDEN,
    quiz_errors.ReviewNotAllowed: status.HTTP_403_FORBIDDEN,
    quiz_errors.FeedbackNotAvailable: status.HTTP_403_FORBIDDEN,
    quiz_errors.AttemptClosed: status.HTTP_409_CONFLICT,
    quiz_errors.AnswerLocked: status.HTTP_409_CONFLICT,
    quiz_errors.InvalidAnswer: status.HTTP_400_BAD_REQUEST,
    # The quiz's random slots ask for more than the bank holds now: the quiz must change.
    quiz_errors.NotEnoughQuestions: status.HTTP_409_CONFLICT,
}


def quiz_error_status(exc: quiz_errors.QuizError) -> int:
    for klass in type(exc).__mro__:
        if klass in QUIZ_ERROR_STATUS:
            return QUIZ_ERROR_STATUS[klass]
    return status.HTTP_400_BAD_REQUEST


def exception_handler(exc, context):
    if isinstance(exc, quiz_errors.QuizError):
        return Response({"detail": exc.message, "code": exc.code}, status=quiz_error_status(exc))
    if isinstance(exc, ProtectedError):
        return Response(
            {
                "detail": "This is still in use (for example by students' attempts) "
                "and cannot be deleted.",
                "code": "protected",
            },
            status=status.HTTP_409_CONFLICT,
        )
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(*exc.args)
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied(*exc.args)
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(response.data, dict) and set(response.data) == {"detail"}:
        detail = exc.detail if isinstance(exc, exceptions.APIException) else None
        response.data["code"] = getattr(detail, "code", None) or getattr(
            exc, "default_code", "error"
        )
    elif isinstance(response.data, list):
        # A validator that raised a bare list: name it like DRF names whole-body problems.
        response.data = {"non_field_errors": response.data}
    return response
