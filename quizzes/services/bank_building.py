"""Question banks from facts, and quizzes from banks (the database side of generation).

`generate_questions` turns facts into drafts with the pure generators in `generation.py` and writes
them: a new key is created, a changed draft updates its question, and a question whose content a
teacher has edited since it was generated (its checksum no longer matches) is left alone. The
admin actions, the `generate_questions` command and the REST API all call it.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import QuerySet
from django.utils.text import slugify

from quizzes.models import (
    AcceptedAnswer,
    Article,
    Choice,
    Fact,
    Question,
    QuestionKind,
    Quiz,
    QuizQuestion,
    Tag,
)
from quizzes.services import quality
from quizzes.services.generation import (
    KIND_TAGS,
    ExistingQuestion,
    FactData,
    QuestionDraft,
    Result,
    Skip,
    check_kinds,
    content_checksum,
    generate_bank,
)
from quizzes.services.questions import question_arranged_parts_save
from quizzes.services.snapshots import versions_forget

if TYPE_CHECKING:
    from django.contrib.auth.models import User

EDITED = "edited by a teacher"
ANOTHER_TEACHERS = "another teacher's question (generated from a shared article)"

ProgressCallback = Callable[[FactData, list[str], list[Skip]], None]


@dataclass
class GenerationReport:
    """What a generation run did. Keys are question keys; skips carry a fact or question key."""

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    skips: list[Skip] = field(default_factory=list)
    pruned: list[str] = field(default_factory=list)
    dry_run: bool = False

    @property
    def skipped(self) -> list[tuple[str, str]]:
        """(question key, or fact key when no question was made; reason with its specifics)."""
        return [(_skip_key(s), s.message) for s in self.skips]

    def skipped_by_reason(self) -> dict[str, list[str]]:
        """Skipped keys grouped by the short reason, most frequent first."""
        groups: dict[str, list[str]] = defaultdict(list)
        for skip in self.skips:
            groups[skip.reason].append(_skip_key(skip))
        return dict(sorted(groups.items(), key=lambda item: (-len(item[1]), item[0])))

    def summary(self) -> str:
        if self.dry_run:
            line = (
                f"Dry run, nothing written: would create {len(self.created)}, update "
                f"{len(self.updated)}, leave {len(self.unchanged)} unchanged and skip "
                f"{len(self.skips)}."
            )
        else:
            line = (
                f"Created {len(self.created)}, updated {len(self.updated)}, left "
                f"{len(self.unchanged)} unchanged and skipped {len(self.skips)}."
            )
        if self.pruned:
            verb = "Would remove" if self.dry_run else "Removed"
            line += (
                f" {verb} {len(self.pruned)} generated question(s) the generators no longer make."
            )
        reasons = [f"{reason} ({len(keys)})" for reason, keys in self.skipped_by_reason().items()]
        return line + (f" Skipped because: {'; '.join(reasons)}." if reasons else "")

    def as_dict(self) -> dict:
        return {
            "dry_run": self.dry_run,
            "counts": {
                "created": len(self.created),
                "updated": len(self.updated),
                "unchanged": len(self.unchanged),
                "skipped": len(self.skips),
                "pruned": len(self.pruned),
            },
            "created": list(self.created),
            "updated": list(self.updated),
            "unchanged": list(self.unchanged),
            "pruned": list(self.pruned),
            "skipped": [
                {
                    "key": _skip_key(s),
                    "generator": s.generator,
                    "reason": s.reason,
                    "detail": s.detail,
                }
                for s in self.skips
            ],
            "summary": self.summary(),
        }


def _skip_key(skip: Skip) -> str:
    return f"{skip.fact_key}:{skip.generator}" if skip.generator else skip.fact_key


def fact_data(fact: Fact) -> FactData:
    """The plain-data view of a fact (its article should be selected with it)."""
    article = fact.article
    return FactData(
        key=fact.key,
        article_slug=article.slug,
        sentence=fact.sentence,
        answer=fact.answer,
        kind=fact.kind,
        prompt=fact.prompt or "",
        distractors=tuple(d for d in (fact.distractors or []) if isinstance(d, str)),
        source=article.publisher or article.title,
        published=article.published,
    )


def _as_fact_list(facts: Iterable[Fact]) -> list[Fact]:
    if isinstance(facts, QuerySet):
        facts = facts.select_related("article")
    return list(facts)


def question_checksum(question: Question) -> str:
    """The checksum of a saved question's current content (choices and answers prefetched)."""
    return content_checksum(
        kind=question.kind,
        text=question.text,
        explanation=question.explanation,
        choices=[(c.text, c.fraction) for c in question.choices.all()],
        accepted_answers=[(a.text, a.fraction, a.match) for a in question.accepted_answers.all()],
        numeric_answer=question.numeric_answer,
        numeric_tolerance=question.numeric_tolerance,
        pairs=[(p.stem, p.answer) for p in question.match_pairs.all()],
        items=[i.text for i in question.ordering_items.all()],
    )


def generate_questions(
    *,
    facts: Iterable[Fact],
    pool: Iterable[Fact] | None = None,
    kinds: Iterable[str] | None = None,
    seed: int = 0,
    dry_run: bool = False,
    prune: bool = False,
    owner: User | None = None,
    progress: ProgressCallback | None = None,
) -> GenerationReport:
    """Generate questions from `facts` (distractors from `pool`, all facts when None) and write
    them. Raises ValueError for an unknown kind before anything is written. With `dry_run` the
    work is done inside a transaction that is rolled back, so the report is exact. With
    `prune`, a generated question of these facts and kinds that the generators no longer make
    is deleted, unless a teacher has edited it or a quiz uses it."""
    kinds = check_kinds(kinds)
    fact_rows = _as_fact_list(facts)
    pool_rows = (
        list(Fact.objects.select_related("article")) if pool is None else _as_fact_list(pool)
    )
    datas = [fact_data(f) for f in fact_rows]
    pool_datas = [fact_data(f) for f in pool_rows]
    existing = [
        ExistingQuestion(q.key, q.kind, q.text, q.fact.key if q.fact else None, q.generator)
        for q in Question.objects.filter(generator="", fact__isnull=False).select_related("fact")
    ]
    results = generate_bank(datas, pool_datas, kinds=kinds, seed=seed, existing=existing)

    report = GenerationReport(dry_run=dry_run)
    with transaction.atomic():
        _write(results, fact_rows, report, owner=owner, progress=progress, datas=datas)
        if prune:
            _prune(fact_rows, kinds, report, owner=owner)
        if dry_run:
            transaction.set_rollback(True)
    return report


def _prune(
    fact_rows: list[Fact], kinds: Iterable[str], report: GenerationReport, *, owner: User | None
) -> None:
    made = set(report.created + report.updated + report.unchanged)
    candidates = (
        Question.objects.filter(fact__in=fact_rows, kind__in=kinds, quiz_questions__isnull=True)
        .exclude(generator="")
        .exclude(key__in=made)
        .prefetch_related("choices", "accepted_answers", "match_pairs", "ordering_items")
    )
    if owner is not None:
        candidates = candidates.editable_by(owner)
    stale = [q for q in candidates if question_checksum(q) == q.generated_checksum]
    report.pruned = sorted(q.key for q in stale)
    Question.objects.filter(pk__in=[q.pk for q in stale]).delete()


def _write(
    results: list[Result],
    fact_rows: list[Fact],
    report: GenerationReport,
    *,
    owner: User | None,
    progress: ProgressCallback | None,
    datas: list[FactData],
) -> None:
    facts_by_key = {f.key: f for f in fact_rows}
    drafts = [r for r in results if isinstance(r, QuestionDraft)]
    existing = {
        q.key: q
        for q in Question.objects.filter(key__in=[d.key for d in drafts]).prefetch_related(
            "choices", "accepted_answers", "match_pairs", "ordering_items", "tags"
        )
    }
    # Questions generated earlier from these facts by a teacher `owner` may not edit (from a
    # shared article) are theirs: left alone, never rewritten. No owner: the site's operator.
    if owner is not None:
        editable = Question.objects.filter(key__in=list(existing)).editable_by(owner)
        theirs = set(existing) - set(editable.values_list("key", flat=True))
    else:
        theirs = set()
    # A statement already in the bank under another key (generated for a fact of the same
    # sentence in an earlier run) is not written twice.
    same_text = {
        (q.kind, q.text): q.key
        for q in Question.objects.filter(text__in=[d.text for d in drafts]).exclude(
            key__in=[d.key for d in drafts]
        )
    }
    tags = _tags_for(drafts)
    per_fact: dict[str, tuple[list[str], list[Skip]]] = defaultdict(lambda: ([], []))
    for result in results:
        if isinstance(result, Skip):
            report.skips.append(result)
            per_fact[result.fact_key][1].append(result)
            continue
        if result.key in theirs:
            outcome: str | Skip = Skip(
                result.fact_key, result.generator, ANOTHER_TEACHERS, f"question {result.key}"
            )
        else:
            outcome = _write_draft(
                result,
                existing.get(result.key),
                fact=facts_by_key[result.fact_key],
                tags=[tags[slug] for slug in result.tags],
                owner=owner,
                duplicate_of=same_text.get((result.kind, result.text)),
            )
        if isinstance(outcome, Skip):
            report.skips.append(outcome)
            per_fact[result.fact_key][1].append(outcome)
        else:
            getattr(report, outcome).append(result.key)
            per_fact[result.fact_key][0].append(f"{result.key} {outcome}")
    if progress is not None:
        for data in datas:
            done, skipped = per_fact.get(data.key, ([], []))
            progress(data, done, skipped)


def _tags_for(drafts: list[QuestionDraft]) -> dict[str, Tag]:
    slugs = sorted({slug for d in drafts for slug in d.tags})
    found = {t.slug: t for t in Tag.objects.filter(slug__in=slugs)}
    names = dict(KIND_TAGS.values())
    for slug in slugs:
        if slug not in found:
            found[slug] = Tag.objects.create(slug=slug, name=names.get(slug, slug.title()))
    return found


def _write_draft(
    draft: QuestionDraft,
    question: Question | None,
    *,
    fact: Fact,
    tags: list[Tag],
    owner: User | None,
    duplicate_of: str | None,
) -> str | Skip:
    problems = draft.problems()
    if problems:  # the generators should never get here; say so rather than write it
        detail = "; ".join(f"{k}: {' '.join(v)}" for k, v in problems.items())
        return Skip(draft.fact_key, draft.generator, "the draft failed validation", detail)
    checksum = draft.checksum()
    if question is None:
        if duplicate_of:
            return Skip(
                draft.fact_key,
                draft.generator,
                "same question as another fact's",
                f"already in the bank as {duplicate_of}",
            )
        question = Question(key=draft.key, owner=owner)
        outcome = "created"
    else:
        if not question.generated_checksum or question_checksum(question) != (
            question.generated_checksum
        ):
            return Skip(draft.fact_key, draft.generator, EDITED, f"question {question.key}")
        if checksum == question.generated_checksum:
            return "unchanged"
        outcome = "updated"
    question.kind = draft.kind
    question.text = draft.text
    question.explanation = draft.explanation
    question.fact = fact
    question.generator = draft.generator
    question.numeric_answer = draft.numeric_answer
    question.numeric_tolerance = draft.numeric_tolerance
    question.generated_checksum = checksum
    question.full_clean()
    question.save()
    if outcome == "updated":
        question.choices.all().delete()
        question.accepted_answers.all().delete()
    Choice.objects.bulk_create(
        Choice(question=question, text=text, fraction=fraction, order=order)
        for order, (text, fraction) in enumerate(draft.choices, start=1)
    )
    AcceptedAnswer.objects.bulk_create(
        AcceptedAnswer(question=question, text=text, fraction=fraction, match=match, order=order)
        for order, (text, fraction, match) in enumerate(draft.accepted_answers, start=1)
    )
    if draft.kind in (QuestionKind.MATCHING, QuestionKind.ORDERING):
        question_arranged_parts_save(
            question=question,
            pairs=[{"stem": s, "answer": a} for s, a in draft.pairs],
            extra_answers=draft.extra_answers,
            items=draft.items,
        )
    question.tags.add(*tags)
    if outcome == "updated":
        # The parts were written in bulk, which sends no signal: the next start takes a new
        # version.
        versions_forget(question_ids=[question.pk])
    return outcome


# --- quizzes from a bank --------------------------------------------------------------------------


def build_quiz(
    *,
    article: Article,
    size: int,
    title: str | None = None,
    slug: str | None = None,
    seed: int = 0,
    owner: User | None = None,
    published: bool = False,
) -> Quiz:
    """A quiz of `size` questions from the article's bank that never answers itself: kinds take
    turns (shuffled by `seed`), at most one question per fact (a fact told again by another
    article counts as the same) and per sentence, no question whose stem, options or statement
    shows another's answer, and true and false statements in balance. Raises ValueError when
    the bank cannot fill the quiz by these rules or the slug is taken."""
    if size < 1:
        raise ValueError("A quiz needs at least one question (size must be 1 or more).")
    slug = slug or slugify(f"{article.slug}-quiz")[:100]
    title = title or f"Quiz: {article.title}"[:200]
    bank = Question.objects.filter(fact__article=article)
    if owner is not None:  # a quiz holds only questions its owner may edit (as in the admin)
        bank = bank.editable_by(owner)
    questions = list(
        bank.select_related("fact__article")
        .prefetch_related("choices", "accepted_answers", "match_pairs", "ordering_items")
        .order_by("key")
    )
    if len(questions) < size:
        raise ValueError(
            f"The bank of “{article.slug}” has {len(questions)} question(s), fewer than the "
            f"{size} asked for. Generate questions first (manage.py generate_questions "
            f"--article {article.slug})."
        )
    context = quality.Context.of(fact_data(f) for f in Fact.objects.select_related("article"))
    chosen = _balanced(
        questions, size=size, rng=random.Random(f"{seed}:{article.slug}"), context=context
    )
    if len(chosen) < size:
        raise ValueError(
            f"The bank of “{article.slug}” gives only {len(chosen)} question(s) that do not "
            f"repeat a fact or sentence or give each other away, fewer than the {size} asked for."
        )
    with transaction.atomic():
        if Quiz.objects.filter(slug=slug).exists():
            raise ValueError(f"A quiz with the slug “{slug}” already exists; choose another.")
        quiz = Quiz(
            slug=slug,
            title=title,
            owner=owner,
            published=published,
            description=_default_description(article, chosen),
        )
        quiz.full_clean()
        quiz.save()
        QuizQuestion.objects.bulk_create(
            QuizQuestion(quiz=quiz, question=q, order=order, marks=q.default_marks)
            for order, q in enumerate(chosen, start=1)
        )
    return quiz


def _default_description(article: Article, questions: list[Question]) -> str:
    """What a student reads about a built quiz: its length and its source, nothing internal
    ("12 questions on the article “…” (Reuters, 6 March 2009), of 5 kinds.")."""
    source = f"“{article.title}”"
    if article.publisher and article.published:
        source += f" ({article.publisher}, {article.published.day} {article.published:%B %Y})"
    elif article.publisher:
        source += f" ({article.publisher})"
    if len(questions) == 1:
        return f"One question on the article {source}."
    kinds = len({question.kind for question in questions})
    mix = f", of {kinds} kinds" if kinds > 1 else ""
    return f"{len(questions)} questions on the article {source}{mix}."


def question_data(question: Question) -> quality.QuestionData:
    """A saved question as the quality checks read it (choices and answers prefetched)."""
    return quality.QuestionData(
        key=question.key,
        kind=question.kind,
        text=question.text,
        choices=tuple((c.text, c.fraction) for c in question.choices.all()),
        accepted_answers=tuple(
            (a.text, a.fraction, a.match) for a in question.accepted_answers.all()
        ),
        numeric_answer=question.numeric_answer,
        pairs=tuple((p.stem, p.answer) for p in question.match_pairs.all() if p.stem),
        extra_answers=tuple(p.answer for p in question.match_pairs.all() if not p.stem),
        items=tuple(i.text for i in question.ordering_items.all()),
        fact_key=question.fact.key if question.fact is not None else None,
        # a generated question a teacher has edited since is the teacher's own
        generator=question.generator
        if question.generator and question.generated_checksum == question_checksum(question)
        else "",
    )


def _fits(candidate: Question, chosen: list[Question], context: quality.Context | None) -> bool:
    data = [question_data(q) for q in [*chosen, candidate]]
    problems, _ = quality.quiz_quality(data, context)
    return not problems.get(candidate.key) and not any(
        p for q in chosen for p in problems.get(q.key, []) if candidate.key in p
    )


def _balanced(
    questions: Iterable[Question],
    *,
    size: int,
    rng: random.Random,
    context: quality.Context | None,
) -> list[Question]:
    by_kind: dict[str, list[Question]] = defaultdict(list)
    for question in questions:
        if not quality.question_quality(question_data(question), context):
            by_kind[question.kind].append(question)
    order = [k for k in QuestionKind.values if k in by_kind]
    for kind in order:
        rng.shuffle(by_kind[kind])
    chosen: list[Question] = []
    truths = {True: 0, False: 0}
    progressed = True
    while len(chosen) < size and progressed:
        progressed = False
        for kind in order:
            if len(chosen) >= size:
                break
            for q in by_kind[kind]:
                if q in chosen:
                    continue
                truth = question_data(q).is_true_statement
                if truth is not None and truths[truth] > truths[not truth]:
                    continue  # the other side first
                if _fits(q, chosen, context):
                    chosen.append(q)
                    if truth is not None:
                        truths[truth] += 1
                    progressed = True
                    break
    return chosen


def audit_questions(questions: Iterable[Question]) -> tuple[dict[str, list[str]], list[str]]:
    """`quality.bank_quality` for saved questions (fetch them with `with_parts()`): per
    question key its problems, and the bank's own."""
    questions = list(questions)
    context = quality.Context.of(fact_data(f) for f in Fact.objects.select_related("article"))
    return quality.bank_quality([question_data(q) for q in questions], context)


def audit_quiz(quiz: Quiz) -> tuple[dict[str, list[str]], list[str]]:
    """`quality.quiz_quality` for a quiz's questions, in its order."""
    questions = [
        qq.question
        for qq in quiz.quiz_questions.select_related("question__fact__article")
        .prefetch_related(
            "question__choices",
            "question__accepted_answers",
            "question__match_pairs",
            "question__ordering_items",
        )
        .order_by("order")
    ]
    context = quality.Context.of(fact_data(f) for f in Fact.objects.select_related("article"))
    per_question, problems = quality.quiz_quality([question_data(q) for q in questions], context)
    trues, falses = quality.true_false_balance(question_data(q) for q in questions)
    if trues + falses >= 2 and abs(trues - falses) > 1 and not problems:
        problems.append(f"true and false statements out of balance: {trues} true, {falses} false")
    return per_question, problems
