"""Request bodies: JSON whose every string is text the database can store.

JSON can spell strings that no text column holds (`"\\ud800"`, a lone surrogate; `"\\u0000"`, a
NUL). DRF's JSON parser hands them on, and the first one to reach the database is a 500. This
parser checks every string of the body (`quizzes.cleaning.text_problems`) and refuses the body
with a 400 that names each offending field, nested as the body nests, before any view runs.
"""

from rest_framework import parsers
from rest_framework.exceptions import ValidationError

from quizzes.cleaning import text_problems


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        data = super().parse(stream, media_type, parser_context)
        problems = text_problems(data)
        if problems:
            raise ValidationError(problems)
        return data
