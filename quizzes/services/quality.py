"""Question quality: the checks a careful teacher makes, as pure functions on plain data.

The same checks serve three callers: the generators drop a draft that fails them before a
teacher sees it, `manage.py audit_bank` prints them for a bank or a quiz, and the admin shows
them as "needs a look". A problem is a short sentence naming what is wrong, e.g.
“option “Tokyo” is a city, the answer a country”.

What they look at:
- options of a choice question: the role of each (a country for a country, a city for a city,
  a coach not offered as a runner, a number with the answer's unit) and its form (a list among
  single items, the only option with an article, tense of a date, a float printed as “15,300.0”);
- typed answers: too long to type (more than four words, or a list);
- statements: doubled or wrong articles (“a the Kremlin”, “a energy”), a number swapped by one
  unit (not clearly false) or losing its unit;
- stems: a correct answer standing in the stem, a numeric question that does not say its unit;
- twins: two questions of one kind on the same fact (or on the same fact told by two articles);
- quizzes: a question whose stem, options or statement contain another's answer, two questions
  on one fact or sentence, true and false statements out of balance; banks: the same balance.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from quizzes import gazetteer
from quizzes.models.bank import QuestionKind
from quizzes.models.content import FactKind
from quizzes.numbers import ReadNumber, clearly_different, read_number
from quizzes.text import BLANK, normalise_answer, squash_spaces

TYPED_WORDS_MAX = 4
_FUNCTION_WORDS = {
    "the", "a", "an", "of", "in", "on", "at", "by", "to", "for", "from", "with", "and", "or",
    "as", "its", "his", "her", "their", "our", "that", "which", "who", "was", "is", "were",
    "be", "said", "told", "over", "into", "via", "than", "about", "some", "this", "these",
}  # fmt: skip
# Nouns that name what a person does; the first found before (or in apposition after) a name.
PERSON_ROLES = {
    "president": "president", "minister": "minister", "secretary": "secretary",
    "author": "author", "co-author": "author", "coach": "coach", "trainer": "coach",
    "runner": "runner", "athlete": "runner", "executive": "executive", "ceo": "executive",
    "spokesman": "spokesperson", "spokeswoman": "spokesperson", "spokesperson": "spokesperson",
    "official": "official", "editor": "editor", "reporter": "reporter",
    "glaciologist": "scientist", "scientist": "scientist", "researcher": "scientist",
    "professor": "scientist", "analyst": "analyst", "economist": "analyst",
    "chairman": "chair", "chairwoman": "chair", "director": "director", "governor": "governor",
    "mayor": "mayor", "ambassador": "diplomat", "envoy": "diplomat", "diplomat": "diplomat",
    "captain": "player", "striker": "player", "goalkeeper": "player", "player": "player",
    "manager": "manager", "founder": "founder", "predecessor": "predecessor", "king": "monarch",
    "queen": "monarch", "senator": "legislator", "lawmaker": "legislator", "mp": "legislator",
    "presidency": "president", "administration": "president", "winner": "winner",
}  # fmt: skip
ORG_CLASSES = {
    "university": "university", "college": "university", "institute": "institute",
    "bank": "bank", "foundation": "funder", "council": "funder", "fund": "funder",
    "agency": "agency", "ministry": "ministry", "department": "ministry",
    "government": "government", "alliance": "alliance", "union": "alliance",
    "broadcaster": "broadcaster", "newspaper": "publisher", "journal": "publisher",
    "maker": "company", "company": "company", "firm": "company", "group": "company",
    "carmaker": "company", "manufacturer": "company", "airline": "company",
    "club": "club", "team": "club", "party": "party", "court": "court",
    "committee": "committee", "commission": "committee", "federation": "federation",
    "association": "federation", "institution": "alliance",
}  # fmt: skip
_GROUPS = {"men's": "men", "women's": "women", "boys'": "boys", "girls'": "girls"}
_PAST = {"last", "ago", "earlier", "previous", "yesterday", "former", "past"}
_FUTURE = {"next", "later", "coming", "tomorrow", "upcoming", "due", "within", "by"}
_WEEKDAYS = {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}
_MONTHS = {
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december",
}  # fmt: skip
_LEADING_ARTICLE = re.compile(r"^(the|a|an)\s+", re.IGNORECASE)
_QUOTES = "\"'“”‘’«»„"


# --- plain data ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class FactInfo:
    """What the checks need of a fact (the generators' `FactData` has these fields)."""

    key: str
    article_slug: str
    sentence: str
    answer: str
    kind: str
    prompt: str = ""
    distractors: tuple[str, ...] = ()


@dataclass(frozen=True)
class QuestionData:
    """A question as the checks see it: a draft, or a saved question read as plain data."""

    key: str
    kind: str
    text: str
    choices: tuple[tuple[str, float], ...] = ()
    accepted_answers: tuple[tuple[str, float, str], ...] = ()
    numeric_answer: float | None = None
    fact_key: str | None = None
    generator: str = ""
    pairs: tuple[tuple[str, str], ...] = ()  # matching: (stem, answer)
    extra_answers: tuple[str, ...] = ()
    items: tuple[str, ...] = ()  # ordering: in the right order

    @property
    def correct_texts(self) -> list[str]:
        if self.kind == QuestionKind.TRUE_FALSE:
            return []
        found = [t for t, f in self.choices if f > 0]
        found += [t for t, f, _ in self.accepted_answers if f >= 1]
        return found

    @property
    def is_true_statement(self) -> bool | None:
        if self.kind != QuestionKind.TRUE_FALSE:
            return None
        return dict(self.choices).get("True", 0) > 0


@dataclass
class Context:
    """What the checks know of the bank around a question: its facts, the roles of the people
    and organisations they name, and which facts two articles share."""

    facts: dict[str, FactInfo] = field(default_factory=dict)
    person_roles: dict[str, set[str]] = field(default_factory=dict)
    linked: dict[str, str] = field(default_factory=dict)  # fact key -> the fact it repeats

    @classmethod
    def of(cls, facts: Iterable) -> Context:
        infos = {
            f.key: FactInfo(
                f.key,
                f.article_slug,
                f.sentence,
                f.answer,
                f.kind,
                f.prompt or "",
                tuple(getattr(f, "distractors", ()) or ()),
            )
            for f in facts
        }
        context = cls(facts=infos)
        sentences = sorted({squash_spaces(f.sentence) for f in infos.values()})
        for info in infos.values():
            if info.kind == FactKind.PERSON:
                context.person_roles[info.key] = _person_roles(info, sentences)
        context.linked = _linked_facts(list(infos.values()))
        return context

    def fact(self, key: str | None) -> FactInfo | None:
        return self.facts.get(key) if key else None

    def root(self, fact_key: str | None) -> str | None:
        """The fact a question is really about: a fact told again by another article is the
        first article's."""
        return self.linked.get(fact_key, fact_key) if fact_key else None


# --- words, forms and roles ----------------------------------------------------------------------


def strip_quotes(text: str) -> str:
    text = text.strip()
    while len(text) >= 2 and text[0] in _QUOTES and text[-1] in _QUOTES:
        text = text[1:-1].strip()
    return text.strip(_QUOTES).strip()


def word_count(text: str) -> int:
    return len(normalise_answer(text).split())


def list_items(text: str, kind: str) -> list[str]:
    """The items of an answer that lists several things (“Poland and the Czech Republic”);
    one item for anything else (“Bosnia and Herzegovina” is one country)."""
    plain = strip_quotes(squash_spaces(text))
    if kind in (FactKind.NUMBER, FactKind.DATE, FactKind.QUOTE) or (
        kind == FactKind.PLACE and gazetteer.lookup(plain)
    ):
        return [plain]
    parts = [p.strip() for p in re.split(r",\s+(?:and\s+)?|\s+and\s+", plain) if p.strip()]
    if len(parts) < 2 or any(not p for p in parts):
        return [plain]
    if kind in (FactKind.PLACE, FactKind.ORGANISATION, FactKind.PERSON) and not all(
        p[:1].isupper() or p.casefold().startswith("the ") for p in parts
    ):
        return [plain]
    return parts


def article_class(text: str) -> str:
    found = _LEADING_ARTICLE.match(strip_quotes(text) or text)
    if not found:
        return ""
    return "the" if found.group(1).casefold() == "the" else "a"


def date_shape(text: str) -> str:
    words = set(re.findall(r"[a-z]+", text.casefold()))
    if words & _WEEKDAYS:
        return "weekday"
    read = read_number(text)
    has_month = bool(words & _MONTHS)
    if isinstance(read, ReadNumber) and read.is_year:
        return "month-year" if has_month else "year"
    if has_month:
        return "month"
    if re.search(r"\d", text):
        return "numeric-date"
    if words & _PAST:
        return "past"
    if words & _FUTURE:
        return "future"
    return "phrase"


def _word_before(sentence: str, answer: str) -> list[str]:
    squashed, target = squash_spaces(sentence), squash_spaces(answer)
    index = squashed.find(target)
    if index < 0:
        return []
    return re.findall(r"[A-Za-z'’-]+", squashed[:index])[-4:]


def _word_after(sentence: str, answer: str) -> list[str]:
    squashed, target = squash_spaces(sentence), squash_spaces(answer)
    index = squashed.find(target)
    if index < 0:
        return []
    return re.findall(r"[A-Za-z'’-]+", squashed[index + len(target) :])[:4]


def _role_words(words: Iterable[str], table: dict[str, str]) -> set[str]:
    return {table[w.casefold()] for w in words if w.casefold() in table}


def _person_roles(fact: FactInfo, sentences: Sequence[str]) -> set[str]:
    """What the person is (president, coach, author…), from the words just before the name
    in any sentence of the bank (“Russian President Dmitry Medvedev”), an apposition after it
    (“James Okafor, a glaciologist”), “<name>'s presidency”, and the fact's own prompt."""
    name = strip_quotes(fact.answer)
    roles: set[str] = set()
    for sentence in sentences:
        if name not in sentence:
            continue
        before = _word_before(sentence, name)
        # the title stands right before the name: “Economy Minister Rui Carvalho”
        title = []
        for word in reversed(before):
            if word.casefold() in _FUNCTION_WORDS or word.endswith(("'s", "’s")):
                break
            title.append(word)
        roles |= _role_words(title, PERSON_ROLES)
        after = squash_spaces(sentence).split(name, 1)[1]
        apposition = re.match(r"^,\s+(?:a|an|the)\s+([a-z -]+?)\b(?: at| of| for|,|$)", after)
        if apposition:
            roles |= _role_words(apposition.group(1).split(), PERSON_ROLES)
        if re.match(r"^['’]s (presidency|administration)", after):
            roles.add("president")
    asked = re.search(
        r"\b(?:which|what|who (?:was|is|were) the|whose)\s+(?:\w+\s+)?([a-z-]+)",
        fact.prompt.casefold(),
    )
    if asked:
        roles |= _role_words([asked.group(1)], PERSON_ROLES)
    return roles


def person_group(fact: FactInfo) -> str:
    words = (fact.sentence + " " + fact.prompt).casefold().replace("’", "'").split()
    found = {_GROUPS[w] for w in words if w in _GROUPS}
    return found.pop() if len(found) == 1 else ""


def org_class(text: str, fact: FactInfo | None = None) -> str:
    """What kind of body an organisation is: from its own head noun (“… Investment Bank”),
    the noun standing next to it in its sentence (“broadcaster NOS”, “the Interfax news
    agency”, “truck maker Kessler”) or its prompt (“Which bank …”)."""
    words = re.findall(r"[A-Za-z-]+", strip_quotes(text))
    for word in reversed(words):
        if word.casefold() in ORG_CLASSES:
            return ORG_CLASSES[word.casefold()]
    if fact is not None:
        before = [w for w in _word_before(fact.sentence, text) if w.islower()]
        after = [w for w in _word_after(fact.sentence, text)[:2] if w.islower()]
        for word in [*reversed(before[-2:]), *after]:
            if word.casefold() in ORG_CLASSES:
                return ORG_CLASSES[word.casefold()]
        asked = re.match(r"^(?:which|what)\s+([a-z]+)", fact.prompt.casefold())
        if asked and asked.group(1) in ORG_CLASSES:
            return ORG_CLASSES[asked.group(1)]
    return ""


def context_noun(fact: FactInfo) -> str:
    """A common noun right before a loose answer that says what it is (“the journal Nature
    Geoscience”), or the noun of a “which …” prompt."""
    before = _word_before(fact.sentence, fact.answer)
    if before and before[-1].islower() and before[-1] not in _FUNCTION_WORDS:
        return before[-1]
    asked = re.match(
        r"^(?:in |on |at |from |to )?(?:which|what)\s+([a-z]+)", fact.prompt.casefold()
    )
    if asked and asked.group(1) not in _FUNCTION_WORDS | {"did", "does", "do", "was", "is"}:
        return asked.group(1)
    return ""


def _loose_form(text: str) -> tuple:
    plain = strip_quotes(text)
    words = plain.split()
    last = re.sub(r"[^a-z]", "", words[-1].casefold()) if words else ""
    plural = last.endswith("s") and not last.endswith("ss")
    return article_class(plain), plain[:1].isupper(), plural


# --- options of a choice question ----------------------------------------------------------------


def option_misfit(candidate: str, fact: FactInfo, context: Context | None = None, *,
                  candidate_fact: FactInfo | None = None) -> str:  # fmt: skip
    """Why `candidate` would be a poor wrong option (or swap) for `fact`'s answer, "" when it
    fits: a different role, granularity or form than the answer."""
    answer = strip_quotes(fact.answer)
    candidate = strip_quotes(candidate)
    items_a, items_c = list_items(answer, fact.kind), list_items(candidate, fact.kind)
    if (len(items_a) > 1) != (len(items_c) > 1):
        shape = {True: "a list", False: "one item"}
        return f"“{candidate}” is {shape[len(items_c) > 1]}, the answer {shape[len(items_a) > 1]}"
    kind = fact.kind
    if kind == FactKind.PLACE:
        cat_a = {gazetteer.category(i) for i in items_a}
        cat_c = {gazetteer.category(i) for i in items_c}
        if cat_a != cat_c or "" in cat_a:
            what = "/".join(sorted(c or "no known place" for c in cat_c))
            want = "/".join(sorted(c or "no known place" for c in cat_a))
            return f"“{candidate}” is a {what}, the answer a {want}"
    elif kind == FactKind.NUMBER:
        a, c = read_number(answer), read_number(candidate)
        if isinstance(a, str) or isinstance(c, str):
            if not (isinstance(a, str) and isinstance(c, str)):
                return f"“{candidate}” and the answer are not both ordinals"
        elif a is None or c is None:
            if not (a is None and c is None):
                return f"“{candidate}” and the answer are not both numbers"
        else:
            if (a.unit, a.currency) != (c.unit, c.currency):
                counted, wanted = c.unit_text or "nothing", a.unit_text or "nothing"
                return f"“{candidate}” counts {counted}, the answer {wanted}"
            if re.search(r"\d\.0\b", candidate) and not re.search(r"\d\.0\b", answer):
                return f"“{candidate}” is printed as a float"
            low, high = sorted((abs(a.value), abs(c.value)))
            if low and high / low > 5:
                return f"“{candidate}” is of another size than the answer"
    elif kind == FactKind.DATE:
        if date_shape(answer) != date_shape(candidate):
            return f"“{candidate}” is a {date_shape(candidate)}, the answer a {date_shape(answer)}"
    elif kind == FactKind.PERSON:
        if context is not None and candidate_fact is not None:
            roles_a = context.person_roles.get(fact.key, set())
            roles_c = context.person_roles.get(candidate_fact.key, set())
            if roles_a != roles_c and not roles_a & roles_c:
                has = "/".join(sorted(roles_c)) or "no known role"
                wants = "/".join(sorted(roles_a)) or "no known role"
                return f"“{candidate}” is {has}, the answer {wants}"
            ga, gc = person_group(fact), person_group(candidate_fact)
            if ga and gc and ga != gc:
                return f"“{candidate}” is in the {gc}'s group, the answer in the {ga}'s"
    elif kind == FactKind.ORGANISATION:
        ca = org_class(answer, fact)
        cc = org_class(candidate, candidate_fact)
        if ca != cc and (ca or cc):
            unknown = "no known kind of body"
            return f"“{candidate}” is {cc or unknown}, the answer {ca or unknown}"
    else:
        if _loose_form(answer) != _loose_form(candidate):
            return f"“{candidate}” does not have the answer's form (article, case, number)"
        a_words, c_words = len(answer.split()), len(candidate.split())
        if abs(a_words - c_words) > max(1, a_words // 2):
            return f"“{candidate}” is much longer or shorter than the answer"
        if candidate_fact is not None and context_noun(fact) != context_noun(candidate_fact):
            return f"“{candidate}” is not a {context_noun(fact) or 'thing of the same sort'}"
    return ""


def _options_problems(q: QuestionData, fact: FactInfo, context: Context | None) -> list[str]:
    problems = []
    correct = [t for t, f in q.choices if f > 0]
    wrong = [t for t, f in q.choices if f <= 0]
    if q.kind == QuestionKind.SINGLE_CHOICE and len(correct) == 1:
        by_answer = {
            normalise_answer(f.answer): f for f in (context.facts.values() if context else [])
        }
        probe = FactInfo(
            fact.key, fact.article_slug, fact.sentence, correct[0], fact.kind, fact.prompt
        )
        extras = {normalise_answer(d) for d in fact.distractors}
        for text in wrong:
            if normalise_answer(text) in extras:
                continue  # a teacher wrote it for this fact
            misfit = option_misfit(
                text, probe, context, candidate_fact=by_answer.get(normalise_answer(text))
            )
            if misfit:
                problems.append(f"option {misfit}")
        forms = [article_class(t) for t, _ in q.choices]
        loose = fact.kind not in (FactKind.PERSON, FactKind.PLACE, FactKind.ORGANISATION)
        if loose and len(q.choices) >= 3 and forms.count(article_class(correct[0])) == 1:
            problems.append("the correct option is the only one with its article")
    return problems


# --- statements ----------------------------------------------------------------------------------

_DOUBLE_ARTICLE = re.compile(r"\b(a|an|the)\s+[\"“‘']?(a|an|the)\b", re.IGNORECASE)
_A_BEFORE_VOWEL = re.compile(r"\ba\s+[\"“‘']?([aeio]\w*)", re.IGNORECASE)
_AN_BEFORE_CONSONANT = re.compile(r"\ban\s+[\"“‘']?([bcdfgjklmnpqrstvwxyz]\w*)", re.IGNORECASE)


def malformed(text: str) -> list[str]:
    """Grammar a generator can break when it swaps words in: doubled or wrong articles and
    stray punctuation."""
    problems = []
    doubled = _DOUBLE_ARTICLE.search(text)
    if doubled:
        problems.append(f"two articles in a row: “{doubled.group(0)}”")
    found = _A_BEFORE_VOWEL.search(text)
    if found and not found.group(1).casefold().startswith(("one", "eu", "uni", "use", "ukr")):
        problems.append(f"“a” before a vowel: “{found.group(0)}”")
    found = _AN_BEFORE_CONSONANT.search(text)
    if found and not found.group(1).casefold().startswith(("hour", "honest", "honour", "heir")):
        problems.append(f"“an” before a consonant: “{found.group(0)}”")
    if re.search(r"[.!?][,.]|,,", text.replace("...", "…")):
        problems.append("stray punctuation")
    return problems


def _city_in_country(text: str) -> str:
    """“Stockholm, Portugal”: a city followed by a country it is not in."""
    pattern = r"\b([A-Z][\w-]+(?: [A-Z][\w-]+)?), ([A-Z][\w-]+(?: [A-Z][\w-]+)?)\b"
    for city, country in re.findall(pattern, text):
        place, land = gazetteer.lookup(city), gazetteer.lookup(country)
        if (
            place
            and land
            and place.category == gazetteer.CITY
            and land.category == gazetteer.COUNTRY
            and place.country != land.country
        ):
            return f"{city}, {country}"
    return ""


def _statement_problems(q: QuestionData, fact: FactInfo, context: Context | None) -> list[str]:
    problems = malformed(q.text)
    wrong_place = _city_in_country(q.text)
    if wrong_place and q.is_true_statement is False:
        problems.append(f"a city put in a country it is not in (“{wrong_place}”)")
    if q.is_true_statement is False and q.generator:
        true_text = squash_spaces(fact.sentence)
        a, b = read_number(true_text), read_number(q.text)
        numbers = fact.kind in (FactKind.NUMBER, FactKind.DATE)
        if numbers and isinstance(a, ReadNumber) and isinstance(b, ReadNumber):
            if not clearly_different(a.value, b.value):
                problems.append("the swapped number is too close to be clearly false")
            if (a.unit, a.currency) != (b.unit, b.currency):
                problems.append("the swapped number lost or changed its unit")
        swapped = _swapped_span(true_text, q.text)
        if swapped is not None:
            original, new = swapped
            # the swap must be a value of the answer's role, judged as a distractor would be
            by_answer = {
                normalise_answer(f.answer): f for f in (context.facts.values() if context else [])
            }
            misfit = option_misfit(
                new, fact, context, candidate_fact=by_answer.get(normalise_answer(new))
            )
            if misfit and normalise_answer(original) == normalise_answer(fact.answer):
                problems.append(f"swap {misfit}")
    return problems


def _swapped_span(true_text: str, false_text: str) -> tuple[str, str] | None:
    """The words that differ between two statements (common start and end removed)."""
    a, b = true_text.split(), false_text.split()
    start = 0
    while start < min(len(a), len(b)) and a[start].casefold() == b[start].casefold():
        start += 1
    end = 0
    while end < min(len(a), len(b)) - start and a[-1 - end] == b[-1 - end]:
        end += 1
    original = " ".join(a[start : len(a) - end]).strip(",.;:")
    new = " ".join(b[start : len(b) - end]).strip(",.;:")
    if not original or not new:
        return None
    return original, new


# --- one question --------------------------------------------------------------------------------


def contains_words(haystack: str, needle: str) -> bool:
    haystack = re.sub(r"['’]s\b", "", haystack)
    needle, haystack = normalise_answer(needle), normalise_answer(haystack)
    return bool(needle) and f" {needle} " in f" {haystack} "


def question_quality(q: QuestionData, context: Context | None = None) -> list[str]:
    """What a careful teacher would send back about one question ([] when nothing)."""
    fact = context.fact(q.fact_key) if context else None
    problems: list[str] = []
    # A teacher's own question (hand-written, or generated and edited since) is judged only on
    # what any reader would catch; the role, form and length checks judge the generators.
    judged = bool(q.generator)
    stem = q.text.replace(BLANK, " ")
    if q.kind != QuestionKind.TRUE_FALSE:
        for text in q.correct_texts:
            if contains_words(stem, text):
                problems.append(f"the stem gives the answer away (“{text}”)")
                break
    if judged and q.kind in QuestionKind.text_kinds():
        best = next((t for t, f, _ in q.accepted_answers if f >= 1), "")
        if best and (
            word_count(best) > TYPED_WORDS_MAX
            or len(list_items(best, fact.kind if fact else "")) > 1
        ):
            problems.append(f"a typed answer too long to type (“{best}”): ask it as a choice")
    if any(re.search(r"\d,?\d*\.0\b", t) for t, _ in q.choices):
        problems.append("an option prints a whole number as a float")
    problems += arranged_problems(q)
    if fact is None:
        if q.kind == QuestionKind.TRUE_FALSE:
            problems += malformed(q.text)
        return problems
    if not judged:
        if q.kind == QuestionKind.TRUE_FALSE:
            problems += malformed(q.text)
        return problems
    if q.kind in (QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_RESPONSE):
        problems += _options_problems(q, fact, context)
    if q.kind == QuestionKind.TRUE_FALSE:
        problems += _statement_problems(q, fact, context)
    if q.kind == QuestionKind.NUMERIC:
        read = read_number(fact.answer)
        if isinstance(read, ReadNumber) and read.unit_text:
            said = normalise_answer(q.text)
            unit_words = normalise_answer(read.unit_text).split()
            if not any(w.rstrip("s") in said for w in unit_words):
                problems.append(f"the stem does not say the unit ({read.unit_text})")
    return problems


ARRANGED_MAX = 8  # stems or items: more do not fit a phone's screen to compare
_PLACE_WORDS = re.compile(
    r"\b(first|second|third|fourth|fifth|last|finally|then|later|earlier|afterwards)\b", re.I
)


def arranged_problems(q: QuestionData) -> list[str]:
    """Matching: a stem that names an answer (its own or another's) gives the pairs away.
    Ordering: an item that says where it goes (“first”, “then”) gives the order away. Either:
    more parts than a phone shows at once."""
    problems: list[str] = []
    if q.kind == QuestionKind.MATCHING:
        answers = [a for _, a in q.pairs] + list(q.extra_answers)
        for stem, _answer in q.pairs:
            named = next((a for a in answers if contains_words(stem, a)), None)
            if named:
                problems.append(f"a stem names an answer (“{named}” in “{stem}”)")
                break
        if len(q.pairs) > ARRANGED_MAX:
            problems.append(f"{len(q.pairs)} stems: at most {ARRANGED_MAX} fit a phone")
    if q.kind == QuestionKind.ORDERING:
        for item in q.items:
            if match := _PLACE_WORDS.search(item):
                problems.append(f"an item says where it goes (“{match.group(0)}” in “{item}”)")
                break
        if len(q.items) > ARRANGED_MAX:
            problems.append(f"{len(q.items)} items: at most {ARRANGED_MAX} fit a phone")
    return problems


# --- many questions ------------------------------------------------------------------------------


def _twin_problems(
    questions: Sequence[QuestionData], context: Context | None
) -> dict[str, list[str]]:
    problems: dict[str, list[str]] = defaultdict(list)
    groups: dict[tuple, list[QuestionData]] = defaultdict(list)
    for q in questions:
        if q.fact_key:
            root = context.root(q.fact_key) if context else q.fact_key
            tf = q.is_true_statement
            groups[(root, q.kind, tf)].append(q)
    for (_root, _kind, _tf), group in groups.items():
        if len(group) < 2:
            continue
        hand = [q for q in group if not q.generator]
        for q in group:
            if q.generator and hand:
                problems[q.key].append(
                    f"a twin of the hand-written {hand[0].key} (same fact, same kind)"
                )
            elif q.generator and q is not group[0] and not hand:
                problems[q.key].append(f"a twin of {group[0].key} (same fact, same kind)")
    seen: dict[tuple[str, str], str] = {}
    for q in questions:
        text_key = (q.kind, normalise_answer(q.text))
        if text_key in seen and q.generator:
            problems[q.key].append(f"the same text as {seen[text_key]}")
        seen.setdefault(text_key, q.key)
    return problems


def true_false_balance(questions: Iterable[QuestionData]) -> tuple[int, int]:
    counts = Counter(q.is_true_statement for q in questions if q.kind == QuestionKind.TRUE_FALSE)
    return counts[True], counts[False]


def unbalanced(trues: int, falses: int) -> bool:
    """Always answering one way must not score much: at most 60% of one side (from 5 on)."""
    total = trues + falses
    return total >= 5 and max(trues, falses) > 0.6 * total


def bank_quality(
    questions: Sequence[QuestionData], context: Context | None = None
) -> tuple[dict[str, list[str]], list[str]]:
    """Per question key its problems, and the bank's own (true/false balance)."""
    per_question = {q.key: question_quality(q, context) for q in questions}
    for key, found in _twin_problems(questions, context).items():
        per_question.setdefault(key, []).extend(found)
    bank: list[str] = []
    trues, falses = true_false_balance(questions)
    if unbalanced(trues, falses):
        bank.append(f"true and false statements out of balance: {trues} true, {falses} false")
    return {k: v for k, v in per_question.items() if v}, bank


def gives_away(q: QuestionData, other: QuestionData, context: Context | None) -> str:
    """Whether `q`'s stem, options or statement contain `other`'s answer ("" when not)."""
    answers = list(other.correct_texts)
    if other.kind == QuestionKind.TRUE_FALSE and context is not None:
        fact = context.fact(other.fact_key)
        if fact is not None and other.is_true_statement is False:
            answers.append(fact.answer)
    shown = [q.text.replace(BLANK, " "), *(t for t, _ in q.choices if t not in ("True", "False"))]
    for answer in answers:
        # “the missile shield” is given away by “a proposed U.S. missile shield”
        answer = _LEADING_ARTICLE.sub("", strip_quotes(answer))
        if word_count(answer) == 0:
            continue
        for text in shown:
            if contains_words(text, answer):
                return answer
    return ""


def quiz_quality(
    questions: Sequence[QuestionData], context: Context | None = None
) -> tuple[dict[str, list[str]], list[str]]:
    """Per question the problems it has in this quiz, and the quiz's own."""
    per_question, quiz = bank_quality(questions, context)
    per_question = defaultdict(list, per_question)
    facts: dict[str, str] = {}
    sentences: dict[str, str] = {}
    for q in questions:
        fact = context.fact(q.fact_key) if context else None
        root = context.root(q.fact_key) if context else q.fact_key
        if root:
            if root in facts:
                per_question[q.key].append(f"asks the same fact as {facts[root]}")
            facts.setdefault(root, q.key)
        if fact is not None:
            sentence = normalise_answer(fact.sentence)
            if sentence in sentences and sentences[sentence] != (facts.get(root) if root else None):
                per_question[q.key].append(f"comes from the same sentence as {sentences[sentence]}")
            sentences.setdefault(sentence, q.key)
    for q in questions:
        for other in questions:
            if other is q:
                continue
            answer = gives_away(q, other, context)
            if answer:
                per_question[q.key].append(f"shows “{answer}”, the answer to {other.key}")
    return {k: v for k, v in per_question.items() if v}, quiz


# --- facts told twice ----------------------------------------------------------------------------

_STOPWORDS = _FUNCTION_WORDS | {
    "it", "he", "she", "they", "we", "you", "i", "had", "have", "has", "would", "could",
    "there", "what", "whom", "whose", "how", "when", "where", "did", "do", "does", "not",
    "us", "according", "also", "one", "but", "so", "if", "then", "been", "being", "are",
}  # fmt: skip


def _content_words(text: str, answer: str) -> set[str]:
    words = set(re.findall(r"[a-z]+", normalise_answer(text))) - _STOPWORDS
    return {w[:-1] if w.endswith("s") and len(w) > 4 else w for w in words} - set(
        normalise_answer(answer).split()
    )


def _linked_facts(facts: Sequence[FactInfo]) -> dict[str, str]:
    """Facts of two articles that state the same thing (the same answer, of the same kind, in
    sentences and prompts that share at least two content words): the later one points at the
    first."""
    linked: dict[str, str] = {}
    by_answer: dict[tuple[str, str], list[FactInfo]] = defaultdict(list)
    for fact in facts:
        by_answer[(fact.kind, normalise_answer(strip_quotes(fact.answer)))].append(fact)
    for group in by_answer.values():
        for i, later in enumerate(group):
            for first in group[:i]:
                if first.article_slug == later.article_slug or first.key in linked:
                    continue
                shared = _content_words(
                    first.sentence + " " + first.prompt, first.answer
                ) & _content_words(later.sentence + " " + later.prompt, later.answer)
                if len(shared) >= 2:
                    linked[later.key] = first.key
                    break
    return linked
