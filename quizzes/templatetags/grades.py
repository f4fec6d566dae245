"""`{% load grades %}` then `{{ attempt.grade|grade }}`: "0", "25", "33.33" (see quizzes.grades).

None (no grade yet) shows as an en dash.
"""

from django import template

from quizzes.grades import format_grade

register = template.Library()


@register.filter
def grade(value) -> str:
    return "–" if value is None else format_grade(value)
