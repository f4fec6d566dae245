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
    # Hyphens and slashes separate words; other punctuation (dots in "U.S.", quotes,
    # apostrophes, commas) simply disappears.
    text = re.sub(r"[-/]", " ", text)
    text = "".join(ch for ch in text if ch.isalnum() or ch.isspace())
    return _SPACES.sub(" ", text).strip()


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
