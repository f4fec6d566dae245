"""`{% load gradebook %}`: the class grid's cells, written in one go.

The grid of 1,000 students × 20 quizzes has 20,000 cells; rendered cell by cell through template
tags they took about half a second (bench/gradebook.py). `gradebook_cells` writes a row's cells
as the template did, every value escaped.
"""

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.simple_tag
def gradebook_cells(row) -> SafeString:
    """The `<td>`s of one student's row: the grade or the state, and a marked accommodation
    (read out by screen readers, a tooltip for the others)."""
    parts = []
    for cell in row.cells:
        shown = escape(cell.display)
        if cell.accommodation:
            note = escape(cell.accommodation)
            parts.append(
                f'<td class="number accommodated">{shown}<span class="visually-hidden"> '
                f'({note})</span><abbr title="{note}" aria-hidden="true">*</abbr></td>'
            )
        else:
            parts.append(f'<td class="number">{shown}</td>')
    return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped
