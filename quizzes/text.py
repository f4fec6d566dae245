"""Text normalisation shared by validation, generators and graders (pure, no database).

`normalise_answer` is what "matching ignores case, extra spaces, punctuation, quote marks and
diacritics" means everywhere in the app; `squash_spaces` is the gentler form used to check that
a fact's sentence stands verbatim in its article.
"""

import re
import unicodedata

# Typographic quotes and dashes that articles use where a person types plain ones.
_TYPOGRAPHIC = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u2033": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\u2013": "-",
        "\u2014": "-",
        "\u2212": "-",
        "\u00a0": " ",
    }
)
_SPACES = re.compile(r"\s+")


def squash_spaces(text: str) -> str:
    """Collapse runs of white space to one space, unify typographic quotes, and strip."""
    return _SPACES.sub(" ", text.translate(_TYPOGRAPHIC)).strip()


def strip_diacritics(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def normalise_answer(text: str) -> str:
    """The comparison form of an answer: case, spacing, punctuation, quotes and accents ignored.

    >>> normalise_answer('  “Peregrúzka!” ')
    'peregruzka'
    >>> normalise_answer("U.S.-Russian")
    'us russian'
    """
    text = strip_diacritics(text.translate(_TYPOGRAPHIC)).casefold()
    # A decimal point stays (“1.5” is not “15”); thousands separators go (“1,500” is “1500”).
    text = _DECIMAL_POINT.sub("\x00", text)
    text = re.sub(r"(?<=\d),(?=\d{3}\b)", "", text)
    # Hyphens and slashes separate words; other punctuation (dots in "U.S.", quotes,
    # apostrophes, commas) simply disappears.
    text = re.sub(r"[-/]", " ", text)
    text = "".join(ch for ch in text if ch.isalnum() or ch.isspace() or ch == "\x00")
    return _SPACES.sub(" ", text).strip().replace("\x00", ".")


_DECIMAL_POINT = re.compile(r"(?<=\d)\.(?=\d)")

# British spellings and their American forms, compared as one (a student may write either).
_AMERICAN = {
    "colour": "color", "favour": "favor", "honour": "honor", "labour": "labor",
    "neighbour": "neighbor", "behaviour": "behavior", "harbour": "harbor", "rumour": "rumor",
    "centre": "center", "metre": "meter", "kilometre": "kilometer", "centimetre": "centimeter",
    "millimetre": "millimeter", "litre": "liter", "theatre": "theater", "fibre": "fiber",
    "defence": "defense", "offence": "offense", "licence": "license", "programme": "program",
    "catalogue": "catalog", "analyse": "analyze", "grey": "gray", "tyre": "tire",
    "aluminium": "aluminum", "sulphur": "sulfur", "jewellery": "jewelry", "cheque": "check",
    "travelled": "traveled", "travelling": "traveling", "cancelled": "canceled",
    "modelling": "modeling", "fuelled": "fueled", "manoeuvre": "maneuver", "ageing": "aging",
    "organise": "organize", "organised": "organized", "realise": "realize",
    "recognise": "recognize", "criticise": "criticize", "apologise": "apologize",
    "authorise": "authorize", "privatise": "privatize", "nationalise": "nationalize",
}  # fmt: skip
_ISATION = re.compile(r"isation(s?)$")


def american_spelling(normalised: str) -> str:
    """A normalised answer with British spellings in their American form, word by word.

    >>> american_spelling("the kilometres of the organisation")
    'the kilometers of the organization'
    """
    words = []
    for word in normalised.split():
        plural = word.endswith("s") and word[:-1] in _AMERICAN
        base = word[:-1] if plural else word
        base = _AMERICAN.get(base, _ISATION.sub(r"ization\1", base))
        words.append(base + ("s" if plural else ""))
    return " ".join(words)


def contains_verbatim(haystack: str, needle: str) -> bool:
    """True when `needle` stands in `haystack`, up to white space and typographic quotes."""
    needle = squash_spaces(needle)
    return bool(needle) and needle in squash_spaces(haystack)


def find_verbatim(haystack: str, needle: str) -> tuple[int, int] | None:
    """Where `needle` stands in `haystack` as `contains_verbatim` compares them: (start, end)
    offsets into `haystack` itself, so the text around it keeps its own quotes and spacing.

    >>> find_verbatim("He said  “reset”.", 'said "reset"')
    (3, 16)
    """
    words = squash_spaces(needle).split(" ")
    if words == [""]:
        return None
    # The quote and dash table maps one character to one, so offsets in the translated text
    # are offsets in the original.
    pattern = r"\s+".join(re.escape(word) for word in words)
    match = re.search(pattern, haystack.translate(_TYPOGRAPHIC))
    return match.span() if match else None


BLANK = "_____"


def blank_answer(sentence: str, answer: str) -> str:
    """The sentence with the (first) answer span replaced by one gap, `_____`.

    Matching tolerates the same differences as `contains_verbatim`; the result is the squashed
    sentence. Raises ValueError when the answer is not in the sentence.
    """
    squashed, target = squash_spaces(sentence), squash_spaces(answer)
    index = squashed.find(target) if target else -1
    if index < 0:
        raise ValueError(f"{answer!r} does not appear in {sentence!r}")
    return squashed[:index] + BLANK + squashed[index + len(target) :]
