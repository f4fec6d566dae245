"""Questions in and out of the bank as GIFT, Moodle XML or Aiken files (the database side).

`import_questions` reads a file with `quizzes.interchange`, maps each question onto the bank with
`to_bank` and writes it through `question_save`, the authoring service the API uses too, so
every rule applies. An import is whole or nothing: a malformed file raises `FormatError` (its
line and why) before anything is written, and a question Factcards cannot hold (an essay, a
calculated question…) or one the rules refuse stops the whole import, unless
`skip_unsupported` lets the rest in. It is idempotent: a question is known by its name within
the import's tag (its key is `import:<tag slug>:<name>`), so importing a file again updates
what changed and creates nothing twice.

`export_questions` writes saved questions as GIFT or Moodle XML from their snapshots
(`question_snapshot` + `from_bank`), in a constant number of queries.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import QuerySet

from quizzes.interchange import Kind, read_questions, write_questions
from quizzes.interchange import Question as Interchange
from quizzes.interchange.bank import from_bank, to_bank
from quizzes.interchange.formats import EXTENSIONS, GIFT, MOODLE_XML, sniff_format
from quizzes.interchange.model import default_name
from quizzes.models import Question, QuestionKind, Tag
from quizzes.services.authoring import (
    TAG_LENGTH,
    PreparedQuestion,
    QuestionInvalid,
    question_prepare,
    question_save,
    questions_create,
    tag_slug,
    tags_named,
)
from quizzes.services.snapshots import question_snapshot

if TYPE_CHECKING:
    from django.contrib.auth.models import User

IMPORT_PREFIX = "import:"
KEY_LENGTH = 200  # Question.key
PROGRESS_EVERY = 250
PARTS = ("choices", "accepted_answers", "match_pairs", "ordering_items", "tags")
PART_KINDS = {QuestionKind.MATCHING, QuestionKind.ORDERING}
CONTENT_TYPES = {GIFT: "text/plain; charset=utf-8", MOODLE_XML: "application/xml; charset=utf-8"}

# progress(stage, done, total): "read" (the parse), "check" (the rules, and the updates
# written), then "save" once (the new questions, written together).
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class ImportItem:
    """One question of the file: its name and line, the key it has (or would have) in the bank,
    what the mapping changed (`notes`) and, when refused, why."""

    name: str
    line: int
    key: str = ""
    kind: str = ""
    notes: tuple[str, ...] = ()
    reason: str = ""

    def as_dict(self) -> dict:
        return {
            "name": self.name,
            "line": self.line,
            "key": self.key,
            "kind": self.kind,
            "notes": list(self.notes),
            "reason": self.reason,
        }

    def __str__(self) -> str:
        where = f"line {self.line}, “{self.name}”" if self.line else f"“{self.name}”"
        return f"{where}: {self.reason}" if self.reason else where


@dataclass
class ImportReport:
    """What an import did, or would do (`dry_run`, or `written` False after a refusal)."""

    format: str
    tag: str
    dry_run: bool
    skip_unsupported: bool
    created: list[ImportItem] = field(default_factory=list)
    updated: list[ImportItem] = field(default_factory=list)
    unchanged: list[ImportItem] = field(default_factory=list)
    refused: list[ImportItem] = field(default_factory=list)
    written: bool = False

    @property
    def blocked(self) -> bool:
        """Refused questions stopped the import (no `skip_unsupported`)."""
        return bool(self.refused) and not self.skip_unsupported

    @property
    def notes(self) -> list[str]:
        return [
            f"{item}: {note}"
            for item in (*self.created, *self.updated, *self.unchanged)
            for note in item.notes
        ]

    def summary(self) -> str:
        counts = (
            f"{len(self.created)} new, {len(self.updated)} updated, "
            f"{len(self.unchanged)} unchanged, {len(self.refused)} refused"
        )
        if self.blocked:
            return (
                f"Nothing imported: {len(self.refused)} question(s) cannot be imported (listed "
                f"above). Fix them, or skip them to import the rest ({counts})."
            )
        if self.dry_run:
            return f"Dry run, nothing written: would import {counts}."
        return f"Imported {counts}."

    def as_dict(self) -> dict:
        return {
            "format": self.format,
            "tag": self.tag,
            "dry_run": self.dry_run,
            "skip_unsupported": self.skip_unsupported,
            "written": self.written,
            "counts": {
                "created": len(self.created),
                "updated": len(self.updated),
                "unchanged": len(self.unchanged),
                "refused": len(self.refused),
            },
            "created": [i.as_dict() for i in self.created],
            "updated": [i.as_dict() for i in self.updated],
            "unchanged": [i.as_dict() for i in self.unchanged],
            "refused": [i.as_dict() for i in self.refused],
            "summary": self.summary(),
        }


def import_key(*, tag: str | None, name: str) -> str:
    """The bank key of the question called `name` imported under `tag`.

    >>> import_key(tag="Reset button", name="Who met Lavrov")
    'import:reset-button:Who met Lavrov'
    >>> import_key(tag=None, name="Year")
    'import::Year'
    """
    key = f"{IMPORT_PREFIX}{tag_slug(tag) if tag else ''}:{name}"
    if len(key) <= KEY_LENGTH:
        return key
    digest = hashlib.sha256(name.encode("utf-8")).hexdigest()[:16]
    return f"{key[: KEY_LENGTH - len(digest) - 1]}~{digest}"


def export_name(question: Question) -> str:
    """The name an export gives a question: the name it was imported under, else its key, so
    that re-importing an export under the same tag updates the questions it came from."""
    key = question.key
    if key.startswith(IMPORT_PREFIX):
        return key[len(IMPORT_PREFIX) :].split(":", 1)[-1]
    return key


def import_questions(
    *,
    data: str | bytes,
    format: str | None = None,
    filename: str = "",
    tag: str | None = None,
    dry_run: bool = False,
    skip_unsupported: bool = False,
    owner: User | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    """Import the questions of a file (see the module's docstring). `format` None: guessed from
    the content, then the file name. Raises `FormatError` (with the line) for a file that cannot
    be read, and `QuestionInvalid` for a tag no tag can hold; writes nothing then."""
    fmt = format or sniff_format(data, filename) or ""
    result = read_questions(
        data,
        format=fmt or None,
        filename=filename,
        progress=(lambda done, total: progress("read", done, total)) if progress else None,
    )
    tag = (tag or "").strip() or None
    if tag and len(tag) > TAG_LENGTH:
        raise QuestionInvalid({"tag": [f"A tag has at most {TAG_LENGTH} characters."]})
    report = ImportReport(
        format=fmt, tag=tag or "", dry_run=dry_run, skip_unsupported=skip_unsupported
    )
    planned: list[tuple[ImportItem, dict, list[str]]] = []
    seen: dict[str, ImportItem] = {}
    for question in result.questions:
        name = question.name or default_name(question.text)
        item = ImportItem(name=name, line=question.line, kind=str(question.kind))
        reason = _refusal(question)
        if reason:
            report.refused.append(_with(item, reason=reason))
            continue
        key = import_key(tag=tag, name=name)
        if key in seen:
            report.refused.append(
                _with(
                    item,
                    reason=f"Another question of this file (line {seen[key].line}) has the same "
                    "name; names tell the questions of a tag apart.",
                )
            )
            continue
        bank = to_bank(question)
        item = _with(item, key=key, notes=tuple(dict.fromkeys(bank["notes"])))
        seen[key] = item
        tag_names = [n.strip() for n in (*bank["tags"], *([tag] if tag else [])) if n.strip()]
        long = [n for n in tag_names if len(n) > TAG_LENGTH]
        if long:
            report.refused.append(
                _with(item, reason=f"A tag has at most {TAG_LENGTH} characters: “{long[0]}”.")
            )
            continue
        planned.append((item, _fields(bank, key), tag_names))

    with transaction.atomic():
        tags = tags_named(name for _, _, names in planned for name in names)
        keys = [item.key for item, _, _ in planned]
        existing = {
            q.key: q for q in Question.objects.filter(key__in=keys).prefetch_related(*PARTS)
        }
        # A question of the same tag and name that `owner` may not edit is another teacher's:
        # refused, never overwritten (no owner: a command run by the site's operator).
        others = (
            set(existing)
            - set(
                Question.objects.filter(key__in=keys)
                .editable_by(owner)
                .values_list("key", flat=True)
            )
            if owner is not None
            else set()
        )
        total = len(planned)
        new: list[PreparedQuestion] = []
        for done, (item, fields, tag_names) in enumerate(planned, start=1):
            try:
                question_tags = list(dict.fromkeys(tags[n] for n in tag_names))
                current = existing.get(item.key)
                if item.key in others:
                    report.refused.append(_with(item, reason=ANOTHER_TEACHERS))
                elif current is None:
                    # Checked now, written below with the other new ones in a few queries.
                    new.append(question_prepare(fields=fields, tags=question_tags, owner=owner))
                    report.created.append(item)
                elif _same(current, fields, question_tags):
                    report.unchanged.append(item)
                else:
                    question_save(
                        fields=_keeping_choice_ids(fields, current),
                        question=current,
                        tags=question_tags,
                    )
                    report.updated.append(item)
            except QuestionInvalid as error:
                report.refused.append(_with(item, reason=error.summary()))
            if progress and (done % PROGRESS_EVERY == 0 or done == total):
                progress("check", done, total)
        questions_create(new)
        if progress and new:
            progress("save", len(new), len(new))
        report.refused.sort(key=lambda i: i.line)
        report.written = not dry_run and not report.blocked
        if not report.written:
            transaction.set_rollback(True)
    return report


ANOTHER_TEACHERS = (
    "Another teacher's question has this name in this tag; import under another tag (or ask "
    "them to share it with you)."
)


def _with(item: ImportItem, **changes: Any) -> ImportItem:
    return replace(item, **changes)


def _refusal(question: Interchange) -> str:
    """Why the bank cannot hold this question, or "" when it can."""
    if not question.is_supported:
        what = question.moodle_type or "unknown"
        return f"Factcards cannot hold a question of type “{what}”; it was not imported."
    if str(question.kind) not in QuestionKind.values:
        return f"{question.kind} questions are not supported yet."
    return ""


def _fields(bank: dict, key: str) -> dict:
    """`question_save`'s fields from `to_bank`'s."""
    return {
        "key": key,
        "kind": bank["kind"],
        "text": bank["text"],
        "explanation": bank["explanation"],
        "default_marks": bank["default_marks"],
        "numeric_answer": bank["numeric_answer"],
        "numeric_tolerance": bank["numeric_tolerance"],
        "choices": [
            {"text": c["text"], "fraction": c["fraction"], "feedback": c["feedback"]}
            for c in bank["choices"]
        ],
        "accepted_answers": [
            {"text": a["text"], "fraction": a["fraction"], "match": a["match"]}
            for a in bank["accepted_answers"]
        ],
        "pairs": [{"stem": p["stem"], "answer": p["answer"]} for p in bank["pairs"]],
        "extra_answers": list(bank["extra_answers"]),
        "items": list(bank["items"]),
        "all_or_nothing": bool(bank["all_or_nothing"]) and bank["kind"] in PART_KINDS,
        # Moodle lets two stems share an answer; the bank asks for it to be said.
        "shared_answers": len({p["answer"] for p in bank["pairs"]}) < len(bank["pairs"]),
    }


def _same(question: Question, fields: dict, tags: Sequence[Tag]) -> bool:
    """Whether `fields` and `tags` say what the saved question already says."""
    marks = Decimal(str(fields["default_marks"])).quantize(Decimal("0.01"))
    return (
        question.kind == fields["kind"]
        and question.text == fields["text"]
        and question.explanation == fields["explanation"]
        and question.default_marks == marks
        and question.numeric_answer == fields["numeric_answer"]
        and question.numeric_tolerance == fields["numeric_tolerance"]
        and [(c.text, c.fraction, c.feedback) for c in question.choices.all()]
        == [(c["text"], c["fraction"], c["feedback"]) for c in fields["choices"]]
        and [(a.text, a.fraction, a.match) for a in question.accepted_answers.all()]
        == [(a["text"], a["fraction"], a["match"]) for a in fields["accepted_answers"]]
        and question.all_or_nothing == fields["all_or_nothing"]
        and question.shared_answers == fields["shared_answers"]
        and [(p.stem, p.answer) for p in question.match_pairs.all() if p.stem]
        == [(p["stem"], p["answer"]) for p in fields["pairs"]]
        and [p.answer for p in question.match_pairs.all() if not p.stem] == fields["extra_answers"]
        and [i.text for i in question.ordering_items.all()] == fields["items"]
        and {t.pk for t in question.tags.all()} == {t.pk for t in tags}
    )


def _keeping_choice_ids(fields: dict, question: Question) -> dict:
    """`fields` with each choice that has the text of a saved choice keeping that choice's id
    (responses of past attempts refer to it)."""
    free: dict[str, int] = {}
    for choice in question.choices.all():
        free.setdefault(choice.text, choice.pk)
    choices = []
    for choice in fields["choices"]:
        pk = free.pop(choice["text"], None)
        choices.append({**choice, "id": pk} if pk is not None else choice)
    return {**fields, "choices": choices}


# --- export -----------------------------------------------------------------------------------


def export_questions(
    *,
    questions: QuerySet[Question] | Iterable[Question],
    format: str,
    notes: list[str] | None = None,
) -> str:
    """The questions as a GIFT or Moodle XML file, in their order. A queryset gets its parts
    prefetched; other questions should come with them (`Question.objects.with_parts()`).

    What the format cannot hold and the export leaves out is said in `notes` (when a list is
    given): GIFT's ordering form has no general feedback, so an ordering question's
    explanation stays behind. Raises `WriteError` naming a question the format cannot hold at
    all, `ValueError` for an unknown format."""
    rows = (
        questions.select_related("fact__article").prefetch_related(*PARTS)
        if isinstance(questions, QuerySet)
        else questions
    )

    def exported(question: Question) -> Interchange:
        item = from_bank(
            question_snapshot(question),
            name=export_name(question),
            tags=[tag.name for tag in question.tags.all()],
            default_mark=float(question.default_marks),
        )
        if format == GIFT and item.kind == Kind.ORDERING and item.general_feedback:
            if notes is not None:
                notes.append(
                    f"“{item.name}”: GIFT's ordering form has no general feedback; its "
                    "explanation was left out (Moodle XML keeps it)."
                )
            item = replace(item, general_feedback="")
        return item

    return write_questions((exported(question) for question in rows), format=format)


def export_filename(stem: str, format: str) -> str:
    """The download's name: `questions.gift.txt`, `questions.xml` (as Moodle names them)."""
    return f"{stem}{EXTENSIONS[format]}"
