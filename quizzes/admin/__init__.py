"""The teachers' admin, one module per part of the domain."""

from quizzes.admin import (  # noqa: F401
    accounts,
    attempts,
    bank,
    classes,
    content,
    lockout,
    quizzes,
)
