"""Forms of the student pages: signing up, and reading an answer out of a posted form."""

import math
import re

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import UserCreationForm

from quizzes.parsing import MAX_ID, whole_number
from quizzes.services.exceptions import InvalidAnswer
from quizzes.services.grading import CHOICE_KINDS, MULTIPLE_RESPONSE, NUMERIC, TEXT_KINDS

_NUMBER = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?$")


class SignupForm(UserCreationForm):
    email = forms.EmailField(required=False, help_text="Optional: only used to reset a password.")

    class Meta(UserCreationForm.Meta):
        fields = ("username", "email")


class ProfileForm(forms.ModelForm):
    """What a student may change about themselves: their name and e-mail address."""

    email = forms.EmailField(
        required=False, help_text="Where a password reset link is sent; nobody else sees it."
    )

    class Meta:
        model = get_user_model()
        fields = ("first_name", "last_name", "email")


def _int(value: str) -> int:
    number = whole_number(value, limit=MAX_ID)
    if number is None:
        raise InvalidAnswer("Choose one of the options.")
    return number


def parse_number(raw: str) -> int | float | None:
    """A typed number ("2009", "3.5", "3,5", " -2 ") as int or float; "" is no answer."""
    text = raw.strip().replace(" ", "").replace("\u00a0", "")
    if not text:
        return None
    if not _NUMBER.match(text):
        raise InvalidAnswer("Type a number, such as 42 or 3.5.")
    value = float(text.replace(",", "."))
    if not math.isfinite(value):
        raise InvalidAnswer("Type a number, such as 42 or 3.5.")
    return (
        int(value)
        if value.is_integer() and abs(value) < 1e15 and "e" not in text.lower()
        else value
    )


def answer_from_post(*, kind: str, data) -> object:
    """The answer a posted form carries for a question of `kind`, in the service's JSON shape.

    Choice ids arrive as strings and numbers as typed text; this turns them into ints and
    numbers. The service then checks the shape against the question itself.
    """
    if kind in CHOICE_KINDS:
        raw = data.get("answer", "")
        return _int(raw) if raw != "" else None
    if kind == MULTIPLE_RESPONSE:
        return [_int(item) for item in data.getlist("answer")]
    if kind in TEXT_KINDS:
        return data.get("answer", "")
    if kind == NUMERIC:
        return parse_number(data.get("answer", ""))
    raise InvalidAnswer("Unknown question kind.")
