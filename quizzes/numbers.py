"""Reading and writing the numbers that news facts state (pure: no database).

`read_number` finds the one number an answer states (“1,500 troops”, “2.4 billion euro”, “two”,
“6.5%”) with what surrounds it: a currency sign, a scale word, the unit words after it. The
generators use it for numeric questions, for distractors formatted like the answer and for
false statements that are clearly false; the graders use `same_quantity` so that “€350 million”
and “350m euros” count as “350 million euros” while “35 million euros” (or “$15 billion” for
“$1.5 billion”) never does.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from quizzes.text import squash_spaces

_UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90, "dozen": 12,
}  # fmt: skip
NUMBER_WORDS = {value: word for word, value in _UNITS.items() if word != "dozen"}
_SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000,
           "trillion": 1_000_000_000_000}  # fmt: skip
# Abbreviated scales as people type them: “2.4bn”, “350m”, “17k”.
_SCALE_ABBREVIATIONS = {"bn": "billion", "b": "billion", "m": "million", "mn": "million",
                        "k": "thousand", "tn": "trillion", "trn": "trillion"}  # fmt: skip
# Words that are part of how a number is written, not of what it counts.
NUMBER_VOCABULARY = frozenset(_UNITS) | frozenset(_SCALES) | {"and", "a"}
_ORDINALS = {
    "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth",
    "tenth", "eleventh", "twelfth", "twentieth", "hundredth",
}  # fmt: skip
_CURRENCY_SIGNS = {"$": "dollar", "€": "euro", "£": "pound", "¥": "yen"}
# Unit words and their spellings, to one canonical singular form.
_UNIT_SYNONYMS = {
    "%": "percent", "per cent": "percent", "pc": "percent", "pct": "percent",
    "km": "kilometre", "kms": "kilometre", "kilometer": "kilometre",
    "m": "metre", "meter": "metre", "metres": "metre", "meters": "metre",
    "cm": "centimetre", "centimeter": "centimetre", "mm": "millimetre", "millimeter": "millimetre",
    "kg": "kilogram", "kilo": "kilogram", "kilogramme": "kilogram", "t": "tonne", "ton": "tonne",
    "tons": "tonne", "s": "second", "sec": "second", "secs": "second",
    "min": "minute", "mins": "minute", "hr": "hour", "hrs": "hour", "h": "hour",
    "°c": "degrees celsius", "c": "degrees celsius", "celsius": "degrees celsius",
    "degree celsius": "degrees celsius", "degrees c": "degrees celsius",
    "°f": "degrees fahrenheit", "usd": "dollar", "us dollar": "dollar", "eur": "euro",
    "gbp": "pound", "sterling": "pound", "yrs": "year", "y": "year",
}  # fmt: skip
_NUMBER = re.compile(
    r"(?<![\w.,])(?P<sign>[$€£¥])?\s?(?P<digits>\d{1,3}(?:,\d{3})+|\d+)(?:\.(?P<fraction>\d+))?"
    r"(?:(?P<abbr>bn|tn|trn|mn|m|k|b)(?![a-z]))?(?!\d)",
    re.IGNORECASE,
)
_ORDINAL_DIGITS = re.compile(r"\b\d+(st|nd|rd|th)\b", re.IGNORECASE)
_WORD = re.compile(r"[a-z]+(?:-[a-z]+)*|%|°[cf]", re.IGNORECASE)


@dataclass(frozen=True)
class ReadNumber:
    """One number as written: its value, how it was written and what unit stands with it."""

    value: float
    decimals: int = 0  # digits after the point, as written
    is_year: bool = False
    grouped: bool = False  # written with thousands separators (“1,500”)
    in_words: bool = False  # “two”, “forty thousand”
    currency: str = ""  # “euro”, “dollar”… from a sign or a word
    scale: str = ""  # “million”, “billion” as written after the figure
    unit: tuple[str, ...] = field(default=())  # canonical unit words (“kilometre”, “percent”)
    span: tuple[int, int] = (0, 0)  # where the number (sign and scale included) stands

    @property
    def mantissa(self) -> float:
        """The figure as written before its scale word: 2.4 for “2.4 billion”."""
        return self.value / _SCALES[self.scale] if self.scale else self.value

    @property
    def unit_text(self) -> str:
        """The unit as a reader would be told it: “billion euros”, “kilometres”, “percent”."""
        words = [self.scale] if self.scale else []
        if self.currency:
            words.append(
                self.currency + ("s" if self.currency in {"euro", "dollar", "pound"} else "")
            )
        words += [_plural(u) for u in self.unit]
        return " ".join(words)


def _plural(unit: str) -> str:
    if unit in {"percent", "degrees celsius", "degrees fahrenheit"} or unit.endswith("s"):
        return unit
    return unit + "s"


def canonical_unit(word: str) -> str:
    """One spelling for a unit word: “km”, “kilometers” and “kilometres” are “kilometre”."""
    word = word.casefold().strip(".")
    word = _UNIT_SYNONYMS.get(word, word)
    if word.endswith("s") and len(word) > 3 and word not in {"degrees celsius", "percent"}:
        singular = word[:-1]
        word = _UNIT_SYNONYMS.get(singular, singular)
    return word


def _unit_words(rest: str) -> tuple[str, ...]:
    """The unit words that follow a number (up to two, stopping at a small word)."""
    text = rest.casefold().replace("per cent", "percent")
    words = []
    for match in _WORD.finditer(text):
        word = match.group(0)
        if word in {"of", "in", "on", "a", "an", "the", "and", "for", "to", "at", "by", "from"}:
            break
        words.append(word)
        if len(words) == 2:
            break
    joined = " ".join(words)
    for phrase in ("degrees celsius", "degree celsius", "degrees c", "us dollar"):
        if joined.startswith(phrase):
            return (canonical_unit(phrase),)
    return tuple(canonical_unit(w) for w in words)


def read_number(text: str) -> ReadNumber | str | None:
    """The one number `text` states, in digits (“1,500”, “2009”, “2.5”, “€350m”) or words
    (“two”, “forty thousand”). Returns None when there is none, and a string saying why when
    there is no single cardinal number (an ordinal, or several numbers).

    >>> read_number("2.4 billion euro").value
    2400000000.0
    >>> read_number("the first")
    'an ordinal'
    """
    plain = squash_spaces(text)
    lowered = plain.casefold()
    words = re.findall(r"[a-z]+", lowered)
    if _ORDINAL_DIGITS.search(lowered) or any(w in _ORDINALS for w in words):
        return "an ordinal"
    found = list(_NUMBER.finditer(plain))
    if len(found) > 1:
        return "more than one number"
    if found:
        return _from_digits(plain, found[0])
    return _from_words(plain, words)


def _from_digits(plain: str, match: re.Match) -> ReadNumber:
    whole, fraction = match.group("digits"), match.group("fraction") or ""
    value = float(whole.replace(",", "") + (f".{fraction}" if fraction else ""))
    end = match.end()
    rest = plain[end:]
    abbr = (match.group("abbr") or "").casefold()
    currency = _CURRENCY_SIGNS.get(match.group("sign") or "", "")
    scale = _SCALE_ABBREVIATIONS.get(abbr, "")
    if abbr == "m" and not currency and re.match(r"\s*(euro|dollar|pound)", rest, re.I) is None:
        scale, rest = "", "m" + rest  # “100m” without money is a hundred metres
    if not scale:
        first = re.match(r"\s*([a-z]+)", rest.casefold())
        if first and first.group(1) in _SCALES:
            scale = first.group(1)
            end += first.end()
            rest = plain[end:]
    unit = _unit_words(rest)
    if unit and unit[0] in {"euro", "dollar", "pound", "yen"}:
        currency = currency or unit[0]
        unit = unit[1:]
    before = plain[: match.start()].casefold().split()
    if not currency and before and canonical_unit(before[-1]) in {"euro", "dollar", "pound"}:
        currency = canonical_unit(before[-1])
    value *= _SCALES.get(scale, 1)
    year = (
        not fraction
        and not scale
        and not currency
        and "," not in whole
        and 1000 <= value <= 2100
        and not unit
    )
    return ReadNumber(
        value,
        len(fraction),
        is_year=year,
        grouped="," in whole,
        currency=currency,
        scale=scale,
        unit=unit if not year else (),
        span=(match.start(), end),
    )


def _from_words(plain: str, words: list[str]) -> ReadNumber | None:
    total, current, found, scale = 0, 0, False, ""
    consumed = 0
    for index, word in enumerate(words):
        if word in _UNITS:
            current += _UNITS[word]
            found = True
        elif word == "a" and index + 1 < len(words) and words[index + 1] in _SCALES:
            current += 1
            found = True
        elif word in _SCALES and found:
            total += max(current, 1) * _SCALES[word]
            scale = word if _SCALES[word] >= 1_000_000 else scale
            current = 0
        elif found and word not in {"and"}:
            break
        elif not found:
            continue
        consumed = index + 1
    if not found:
        return None
    rest = " ".join(words[consumed:])
    unit = _unit_words(rest)
    currency = ""
    if unit and unit[0] in {"euro", "dollar", "pound", "yen"}:
        currency, unit = unit[0], unit[1:]
    return ReadNumber(float(total + current), in_words=True, currency=currency, unit=unit)


def numeric_tolerance(number: ReadNumber) -> float:
    """In the unit the question asks for (`mantissa`): years and counts up to a hundred are
    exact; a decimal is good to half its last digit; a larger figure to within 5%."""
    value = number.mantissa
    if number.is_year or (value == int(value) and abs(value) <= 100):
        return 0.0
    if number.decimals:
        return 0.5 * 10 ** (-number.decimals)
    return round(abs(value) * 0.05, 6)


def format_like(value: float, model: ReadNumber) -> str:
    """`value` (in the model's full units) written as the model was: same decimals, grouping,
    currency sign or word, scale and unit words. The number part only (no unit words)."""
    mantissa = value / _SCALES[model.scale] if model.scale else value
    if model.decimals:
        figure = (
            f"{mantissa:,.{model.decimals}f}" if model.grouped else f"{mantissa:.{model.decimals}f}"
        )
    elif model.is_year:
        figure = str(round(mantissa))
    else:
        figure = (
            f"{round(mantissa):,}"
            if model.grouped or abs(mantissa) >= 10_000
            else str(round(mantissa))
        )
    if model.in_words and float(round(mantissa)) == mantissa and round(mantissa) in NUMBER_WORDS:
        figure = NUMBER_WORDS[round(mantissa)]
    return figure


def rewrite_number(text: str, number: ReadNumber, value: float) -> str:
    """`text` with its number (read by `read_number`) replaced by `value`, written the same way;
    the rest (sign, scale word, unit) kept. Only for numbers read from digits."""
    start, end = number.span
    original = text[start:end]
    figure = format_like(value, number)
    match = _NUMBER.match(original)
    if not match:
        return text
    new = (
        original[: match.start("digits")]
        + figure
        + original[match.end("fraction") if match.group("fraction") else match.end("digits") :]
    )
    return text[:start] + new + text[end:]


def _round_like(value: float, model: ReadNumber) -> float:
    """`value` rounded to as many significant figures as the answer shows (at least one)."""
    mantissa = model.mantissa
    if model.decimals:
        step = 10 ** (-model.decimals)
    elif model.is_year:
        step = 1
    else:
        digits = str(int(abs(mantissa))).rstrip("0")
        significant = max(2, len(digits))
        magnitude = math.floor(math.log10(abs(mantissa))) if mantissa else 0
        step = 10 ** max(0, magnitude - significant + 1)
    scale = _SCALES.get(model.scale, 1)
    return round(round((value / scale) / step) * step, 6) * scale


def distinct_values(number: ReadNumber, *, count: int) -> list[float]:
    """Plausible values clearly different from the answer (never one unit off), rounded and
    sized like it: years a few years apart, counts and amounts by a third or more."""
    value = number.value
    out: list[float] = []
    if number.is_year:
        candidates = [value + d for d in (-5, 4, -10, 8, -3, 12)]
    elif value == int(value) and 0 < value <= 12:
        candidates = [value + d for d in (3, -2, 5, -4, 7, 9) if value + d > 0]
    else:
        # the nearer values first: a reader weighs 31 against 24, not 14
        candidates = [value * f for f in (0.7, 1.3, 1.5, 0.6, 1.75, 0.5, 2)]
    for candidate in candidates:
        rounded = _round_like(candidate, number) if not number.is_year else candidate
        if rounded <= 0 or rounded in out or not clearly_different(rounded, value):
            continue
        out.append(rounded)
        if len(out) == count:
            break
    return out


def clearly_different(a: float, b: float) -> bool:
    """Whether two values differ enough that a statement with one is clearly false for the
    other: small counts 2 or more apart, years 3 or more, anything else by more than 20%."""
    low, high = sorted((abs(a), abs(b)))
    whole = a == int(a) and b == int(b)
    if whole and 1000 <= low <= 2100 and high <= 2100:
        return high - low >= 3
    if whole and high <= 20:
        return high - low >= 2
    return high > 0 and (high - low) / high > 0.2


def same_quantity(given: ReadNumber, expected: ReadNumber) -> bool:
    """Whether a typed number states the expected quantity: the same value (as a number, so
    “$15 billion” is not “$1.5 billion”) and no unit, scale or currency that contradicts it."""
    if not math.isclose(given.value, expected.value, rel_tol=1e-9, abs_tol=1e-9):
        return False
    if given.currency and expected.currency and given.currency != expected.currency:
        return False
    if given.unit and expected.unit and given.unit != expected.unit:
        return False
    return not (given.unit and not expected.unit and not expected.currency)
