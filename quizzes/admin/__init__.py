"""The teachers' admin, one module per part of the domain."""

from quizzes.admin import accounts, attempts, bank, content, lockout, quizzes  # noqa: F401
