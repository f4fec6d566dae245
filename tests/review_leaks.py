"""What a review could give away, and where it did: the texts each review option governs.

Shared by the tests (`tests/test_review_options.py`) and the measurement
(`bench/review_leaks.py`). Everything works from a response's snapshot, so the same checks read
a page or an API payload whatever code produced it.
"""

import html
import re
from html.parser import HTMLParser

# The options that govern texts, and what each governs.
TEXT_OPTIONS = ("right_answer", "specific_feedback", "general_feedback", "source")

_SKIPPED = {"script", "style", "template", "head", "title"}
_VOID = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "wbr",
}


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


class _Text(HTMLParser):
    """The visible text of a page, and of each element with an id (nested ones included)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.by_id: dict[str, list[str]] = {}
        self._open: list[tuple[str, str | None, bool]] = []  # tag, id, hides its content

    def _hidden(self) -> bool:
        return any(hides for _tag, _id, hides in self._open)

    def handle_starttag(self, tag, attrs):
        if tag in _VOID:
            return
        attributes = dict(attrs)
        hides = tag in _SKIPPED or "hidden" in attributes
        self._open.append((tag, attributes.get("id"), hides))
        if attributes.get("id"):
            self.by_id.setdefault(attributes["id"], [])

    def handle_endtag(self, tag):
        for index in range(len(self._open) - 1, -1, -1):
            if self._open[index][0] == tag:
                del self._open[index:]
                return

    def handle_data(self, data):
        if self._hidden():
            return
        self.parts.append(data)
        for _tag, element_id, _hides in self._open:
            if element_id:
                self.by_id[element_id].append(data)


def visible_text(page: str) -> str:
    parser = _Text()
    parser.feed(page)
    return squash(" ".join(parser.parts))


def element_texts(page: str) -> dict[str, str]:
    """{id: visible text} for every element of the page with an id."""
    parser = _Text()
    parser.feed(page)
    return {key: squash(" ".join(parts)) for key, parts in parser.by_id.items()}


def markup(page: str) -> str:
    """The page source with entities decoded: text, attributes and all."""
    return squash(html.unescape(page))


def _numbers(value) -> list[str]:
    number = float(value)
    forms = {f"{number:g}", str(value)}
    if number.is_integer():
        forms |= {str(int(number)), f"{int(number):,}"}
    return sorted(forms)


def governed_texts(snapshot: dict) -> dict[str, list[str]]:
    """{option: the texts of this question that only that option may show}."""
    choices = snapshot.get("choices") or []
    best = max((float(c["fraction"]) for c in choices), default=0.0)
    if snapshot["kind"] == "multiple_response":
        right = [c["text"] for c in choices if float(c["fraction"]) > 0]
    else:
        right = [c["text"] for c in choices if best > 0 and float(c["fraction"]) == best]
    right += [a["text"] for a in snapshot.get("accepted_answers") or [] if a["fraction"] > 0]
    if snapshot.get("numeric"):
        right += _numbers(snapshot["numeric"]["value"])
    fact = snapshot.get("fact") or {}
    return {
        "right_answer": [text for text in right if text],
        "specific_feedback": [c["feedback"] for c in choices if c.get("feedback")],
        "general_feedback": [snapshot["explanation"]] if snapshot.get("explanation") else [],
        "source": [fact["sentence"]] if fact.get("sentence") else [],
    }


def own_text(snapshot: dict) -> str:
    """What the student saw while answering: the question and its options."""
    texts = [snapshot["text"], *(c["text"] for c in snapshot.get("choices") or [])]
    texts += [p["stem"] for p in snapshot.get("pairs") or []]
    texts += [a["text"] for a in snapshot.get("answers") or []]
    texts += snapshot.get("items") or []
    return squash(" ".join(texts))


# Numbers every page prints whatever the question: its position, the marks on offer, the map.
_FURNITURE = re.compile(
    r"Questions?( \d+)+( of \d+)?|\(\d+ answered\)|\(\s*-?[\d.]+ / [\d.]+\s*\)"
    r"|\(out of [\d.]+\)|Mark: -?[\d.]+ out of [\d.]+|such as 42 or 3\.5"
)


def _contains(haystack: str, text: str) -> bool:
    text = squash(text)
    if re.fullmatch(r"[\d.,]+", text):  # a number: as a whole number, not inside another
        haystack = _FURNITURE.sub(" ", haystack)
        return re.search(rf"(?<![\d.,]){re.escape(text)}(?![\d.,]*\d)", haystack) is not None
    return text.casefold() in haystack.casefold()


def text_leaks(text: str, snapshot: dict, options=TEXT_OPTIONS) -> list[tuple[str, str]]:
    """(option, text) for each governed text of `options` that `text` shows, leaving out those
    the question's own text (its wording and options) already holds."""
    own = own_text(snapshot)
    found = []
    for option in options:
        for governed in governed_texts(snapshot)[option]:
            if _contains(own, governed):
                continue
            if _contains(text, governed):
                found.append((option, governed))
    return found


# Words and marks a page shows for each option that governs no text of its own.
PAGE_MARKERS = {
    "correctness": re.compile(
        r"\b(Not correct|Partly correct|Correct)\b(?! answer| order)|verdict-(?!unanswered)\w"
        r"|is-right|is-wrong|[✓✗] (right|wrong)"
    ),
    "marks": re.compile(
        r"\(\s*-?[\d.]+ / [\d.]+\s*\)|\bMark: |\bScore\b|\bGrade\b|\bPassed\b|\bNot passed\b"
    ),
    "right_answer": re.compile(r"Correct answer|Correct order|is-correct"),
}

# Keys of a review item (API) that are the student's own or the question as shown.
_OWN_KEYS = {"question", "answer", "answer_text", "answered", "slot", "marks", "selected", "text"}


def _strings(value, skip=_OWN_KEYS) -> list[str]:
    if isinstance(value, dict):
        return [s for key, item in value.items() if key not in skip for s in _strings(item, skip)]
    if isinstance(value, list):
        return [s for item in value for s in _strings(item, skip)]
    if value is None or isinstance(value, bool):
        return []
    return [str(value)]


def item_text(item: dict) -> str:
    """Every text and number of a review item (API JSON) but the student's own and the
    question as shown."""
    return squash(" ".join(_strings(item)))


def item_leaks(item: dict, snapshot: dict, off: set[str]) -> list[tuple[str, str]]:
    """What a review item (API JSON) shows that the options switched `off` govern."""
    shown = item_text(item)
    found = text_leaks(shown, snapshot, [o for o in TEXT_OPTIONS if o in off])
    if "correctness" in off and item.get("verdict") is not None:
        found.append(("correctness", f"verdict {item['verdict']}"))
    if "marks" in off:
        found += [("marks", key) for key in ("score", "fraction") if item.get(key) is not None]
    if "right_answer" in off:
        if item.get("correct_answer") is not None:
            found.append(("right_answer", "correct_answer"))
        if any(choice.get("correct") is not None for choice in item.get("choices") or []):
            found.append(("right_answer", "choices[].correct"))
        if any(row.get("right") is not None for row in item.get("pairs") or []):
            found.append(("right_answer", "pairs[].right"))
        if any(row.get("right") is not None for row in item.get("order") or []):
            found.append(("right_answer", "order[].right"))
        if item.get("right_order") is not None:
            found.append(("right_answer", "right_order"))
    if "correctness" in off:
        if any(row.get("correct") is not None for row in item.get("pairs") or []):
            found.append(("correctness", "pairs[].correct"))
        if any(row.get("followed_right") is not None for row in item.get("order") or []):
            found.append(("correctness", "order[].followed_right"))
    return found


def page_leaks(text: str, snapshot: dict, off: set[str]) -> list[tuple[str, str]]:
    """What one question's part of a page (its visible text or markup) shows that `off` governs."""
    found = text_leaks(text, snapshot, [o for o in TEXT_OPTIONS if o in off])
    for option, pattern in PAGE_MARKERS.items():
        if option in off and (match := pattern.search(text)):
            found.append((option, match.group(0)))
    return found
