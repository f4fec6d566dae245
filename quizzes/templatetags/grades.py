"""`{% load grades %}` then `{{ attempt.grade|grade }}`: "0", "25", "33.33" (see quizzes.grades).

None (no grade yet) shows as an en dash.
"""

from django import template

from quizzes.grades import format_grade

register = template.Library()


@register.filter
def grade(value) -> str:
    return "–" if value is None else format_grade(value)


@register.filter
def duration_text(value) -> str:
    """A time taken as people read it: "45 s", "12 min 5 s", "1 h 2 min" ("–" for None)."""
    if value is None:
        return "–"
    seconds = max(round(value.total_seconds()), 0)
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    if hours:
        return f"{hours} h {minutes} min"
    if minutes:
        return f"{minutes} min {seconds} s"
    return f"{seconds} s"
