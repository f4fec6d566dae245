"""Forms of the student pages: signing up, and reading an answer out of a posted form."""

import math
import re

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import UserCreationForm

from quizzes.parsing import MAX_ID, whole_number
from quizzes.services.exceptions import InvalidAnswer
from quizzes.services.grading import (
    MATCHING,
    MULTIPLE_RESPONSE,
    NUMERIC,
    ONE_CHOICE_KINDS,
    ORDERING,
    TEXT_KINDS,
)

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
    if kind in ONE_CHOICE_KINDS:
        raw = data.get("answer", "")
        return _int(raw) if raw != "" else None
    if kind == MULTIPLE_RESPONSE:
        return [_int(item) for item in data.getlist("answer")]
    if kind in TEXT_KINDS:
        return data.get("answer", "")
    if kind == NUMERIC:
        return parse_number(data.get("answer", ""))
    if kind == MATCHING:
        # One <select name="match-<stem id>"> per stem; "" leaves the stem unanswered.
        return {
            key.removeprefix(MATCH_PREFIX): data.get(key) or None
            for key in data
            if key.startswith(MATCH_PREFIX)
        }
    if kind == ORDERING:
        return order_from_places(typed_places(data))
    raise InvalidAnswer("Unknown question kind.")


MATCH_PREFIX, PLACE_PREFIX = "match-", "place-"


def typed_places(data) -> dict[str, str]:
    """{item id: the place typed} from an ordering question's number inputs."""
    return {
        key.removeprefix(PLACE_PREFIX): str(data.get(key, "")).strip()
        for key in data
        if key.startswith(PLACE_PREFIX)
    }


def order_from_places(places: dict[str, str]) -> list[str] | None:
    """The item ids sorted by the place typed for each (1 = first); no place typed at all is
    no answer. Every item needs its own place from 1 to the number of items.

    >>> order_from_places({"b": "2", "a": "1", "c": "3"})
    ['a', 'b', 'c']
    """
    if not any(places.values()):
        return None
    count = len(places)
    numbers = {item: whole_number(typed) for item, typed in places.items()}
    if any(n is None or not 1 <= n <= count for n in numbers.values()):
        raise InvalidAnswer(f"Give every item a place from 1 to {count}.")
    if len(set(numbers.values())) != count:
        raise InvalidAnswer("Give each item its own place: two items have the same number.")
    return sorted(numbers, key=lambda item: numbers[item] or 0)


class JoinClassForm(forms.Form):
    code = forms.CharField(
        label="Join code",
        max_length=40,
        help_text="The eight letters and digits your teacher gave you (capitals or not).",
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )
