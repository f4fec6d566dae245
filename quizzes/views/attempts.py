"""Taking an attempt (one question per page), finishing it, its review, and the history.

Thin views: read with a selector, act through a service, render or redirect. Every page works
without JavaScript; `static/js/attempt.js` adds the live timer, autosave and auto-submit, asking
the same save endpoint for JSON through the Accept header.
"""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from quizzes.forms import answer_from_post, typed_places
from quizzes.models import AttemptState, FeedbackMode
from quizzes.parsing import MAX_ID, whole_number
from quizzes.selectors import (
    attempt_for_owner,
    attempt_page_response,
    attempt_response_at,
    attempt_response_map,
    attempt_with_responses,
    attempts_for_student,
    response_for_owner,
)
from quizzes.services import grading
from quizzes.services.attempts import (
    UNCHANGED,
    attempt_check_answer,
    attempt_expire_if_overdue,
    attempt_finish,
    attempt_save_answer,
    checked_review_item,
    load_student_closes,
    marks_shown,
    response_review_items,
    review_access,
)
from quizzes.services.exceptions import AttemptClosed, InvalidAnswer, QuizError
from quizzes.services.snapshots import public_question

# A typed answer the form refused ("about 4000" for a number), kept for the page it goes back to.
REFUSED_KEY = "refused_answer"


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _slot_url(attempt, slot: int) -> str:
    return f"{reverse('attempt-detail', kwargs={'pk': attempt.pk})}?q={slot}"


def _is_answered(answer) -> bool:
    return answer not in (None, "", [])


@require_GET
@login_required
def attempt_detail(request, pk):
    now = timezone.now()
    asked = whole_number(request.GET.get("q")) or 1
    # The asked question with its attempt, quiz and version in one query; the attempt alone
    # (which 404s for another student's) when that slot does not exist.
    response = attempt_page_response(user=request.user, pk=pk, slot=asked)
    attempt = response.attempt if response else attempt_for_owner(user=request.user, pk=pk)
    attempt = attempt_expire_if_overdue(attempt=attempt, now=now)
    if attempt.state != AttemptState.IN_PROGRESS:
        return redirect("attempt-review", pk=attempt.pk)
    responses = attempt_response_map(attempt=attempt)
    if not responses:
        messages.error(request, "This quiz has no questions.")
        return redirect(attempt.quiz)
    slot = min(max(asked, 1), len(responses))
    if response is None or response.slot != slot:
        response = attempt_response_at(attempt=attempt, slot=slot)
    question = public_question(response.snapshot)
    # Immediate feedback on a checked answer, as the review options allow during the attempt.
    feedback = checked_review_item(response=response, quiz=attempt.quiz)
    answer = response.answer
    remaining = max(int((attempt.deadline - now).total_seconds()), 0) if attempt.deadline else None
    refused = request.session.pop(REFUSED_KEY, None)
    if not (isinstance(refused, dict) and refused.get("at") == [attempt.pk, response.slot]):
        refused = None
    context = {
        "attempt": attempt,
        "quiz": attempt.quiz,
        "response": response,
        "question": question,
        "slot": slot,
        "total": len(responses),
        "progress": round(100 * slot / len(responses)),
        "map": [
            {
                "slot": r.slot,
                "answered": _is_answered(r.answer),
                "flagged": r.flagged,
                "current": r.slot == slot,
            }
            for r in responses
        ],
        "answered_count": sum(1 for r in responses if _is_answered(r.answer)),
        "selected": _selected(answer),
        "text_answer": refused["answer"]
        if refused
        else ("" if answer is None or isinstance(answer, list | dict) else answer),
        "answer_error": refused["message"] if refused else "",
        "immediate": attempt.quiz.feedback_mode == FeedbackMode.IMMEDIATE,
        "feedback": feedback,
        # A checked question lists its options from the feedback: the pick and, when the
        # options allow, the right ones marked.
        "choices": feedback["choices"] if feedback else question["choices"],
        "match_rows": _match_rows(question, answer),
        "order_rows": _order_rows(question, answer, refused),
        "remaining": remaining,
        "remaining_display": None
        if remaining is None
        else f"{remaining // 60}:{remaining % 60:02d}",
    }
    return render(request, "quizzes/attempt.html", context)


def _selected(answer) -> set:
    """The choice ids picked (choice questions; empty for the others)."""
    if isinstance(answer, list):
        return set(answer)
    return set() if isinstance(answer, dict) else {answer}


def _match_rows(question: dict, answer) -> list[dict]:
    """A matching question's stems, each with the answer id chosen ("" for none)."""
    chosen = answer if isinstance(answer, dict) else {}
    return [{**stem, "chosen": chosen.get(stem["id"], "")} for stem in question.get("stems", [])]


def _order_rows(question: dict, answer, refused: dict | None) -> list[dict]:
    """An ordering question's items as the list shows them, each with its place: the saved
    order (places 1..n), the places a refused form typed, or the shuffled order and no places
    (unanswered: the student must move something, and the shown order is never the right one)."""
    items = question.get("items", [])
    if refused:
        try:
            typed = json.loads(refused["answer"])
        except (TypeError, ValueError):
            typed = {}
        if isinstance(typed, dict):
            return [{**item, "place": str(typed.get(item["id"], ""))[:3]} for item in items]
    if isinstance(answer, list):
        by_id = {item["id"]: item for item in items}
        ordered = [by_id[i] for i in answer if i in by_id]
        return [{**item, "place": str(n)} for n, item in enumerate(ordered, start=1)]
    return [{**item, "place": ""} for item in items]


def _save_error(request, attempt, slot, error: QuizError, status=400, typed: str | None = None):
    """Say what was refused. A page form goes back to its question; a typed answer that was
    refused comes back in its box with the error beside it, so nothing typed is lost."""
    if _wants_json(request):
        payload = {"saved": False, "error": error.code, "message": error.message}
        if isinstance(error, AttemptClosed):
            payload["redirect"] = reverse("attempt-review", kwargs={"pk": attempt.pk})
            status = 409
        return JsonResponse(payload, status=status)
    if isinstance(error, AttemptClosed):
        messages.error(request, error.message)
        attempt_expire_if_overdue(attempt=attempt, now=timezone.now())
        return redirect("attempt-detail", pk=attempt.pk)
    if isinstance(error, InvalidAnswer) and typed is not None:
        request.session[REFUSED_KEY] = {
            "at": [attempt.pk, slot],
            "answer": typed[: grading.MAX_TEXT_ANSWER],
            "message": error.message,
        }
    else:
        messages.error(request, error.message)
    return redirect(_slot_url(attempt, slot))


def _typed(kind: str, data) -> str | None:
    """What the student typed, to give back with a refusal (text, numeric, an ordering's places)."""
    if kind == grading.ORDERING:
        return json.dumps(typed_places(data))
    return data.get("answer") if kind in grading.TEXT_KINDS | {grading.NUMERIC} else None


def _where_next(attempt, slot: int, data) -> str:
    """Where the button pressed goes after a save: finish, next, previous, a question of the
    map, or back to this one."""
    nav = data.get("nav", "")
    if nav == "finish":
        return reverse("attempt-finish", kwargs={"pk": attempt.pk})
    if nav == "next":
        return _slot_url(attempt, slot + 1)
    if nav == "prev":
        return _slot_url(attempt, max(slot - 1, 1))
    if goto := data.get("goto"):
        return _slot_url(attempt, whole_number(goto) or slot)
    return _slot_url(attempt, slot)


@require_POST
@login_required
def attempt_save(request, pk):
    """Save the answer to the question the form names, then go where the button said."""
    now = timezone.now()
    data = request.POST
    question_id = whole_number(data.get("question"), limit=MAX_ID)
    slot = whole_number(data.get("slot", "1"))
    if question_id is None or slot is None:
        attempt = attempt_for_owner(user=request.user, pk=pk)
        return _save_error(request, attempt, 1, QuizError("The form did not name a question."))
    # One query reads the response with its attempt (ownership included); only when there is no
    # such row does the attempt alone decide between a 404 and "not a question of this attempt".
    current = response_for_owner(user=request.user, attempt_pk=pk, question_id=question_id)
    attempt = current.attempt if current else attempt_for_owner(user=request.user, pk=pk)
    kind = data.get("kind", "")
    flagged = data.get("flagged") == "1" if "flag_field" in data else None
    try:
        answer = UNCHANGED if "answer_field" not in data else answer_from_post(kind=kind, data=data)
        response = attempt_save_answer(
            attempt=attempt,
            question_id=question_id,
            answer=answer,
            now=now,
            flagged=flagged,
            current=current,
        )
        if data.get("nav") == "check":
            response = attempt_check_answer(attempt=attempt, question_id=question_id, now=now)
    except QuizError as error:
        return _save_error(request, attempt, slot, error, typed=_typed(kind, data))

    if _wants_json(request):
        return JsonResponse(
            {
                "saved": True,
                "question": response.question_id,
                "slot": response.slot,
                "answered": _is_answered(response.answer),
                "flagged": response.flagged,
            }
        )
    return redirect(_where_next(attempt, slot, data))


@require_http_methods(["GET", "POST"])
@login_required
def attempt_finish_view(request, pk):
    """GET: a confirmation listing unanswered questions. POST: finish and go to the review."""
    now = timezone.now()
    attempt = attempt_expire_if_overdue(
        attempt=attempt_for_owner(user=request.user, pk=pk), now=now
    )
    if request.method == "POST":
        attempt = attempt_finish(attempt=attempt, now=now)
        if request.POST.get("auto"):
            messages.info(request, "Time was up: your attempt was submitted.")
        return redirect("attempt-review", pk=attempt.pk)
    if attempt.state != AttemptState.IN_PROGRESS:
        return redirect("attempt-review", pk=attempt.pk)
    responses = attempt_response_map(attempt=attempt)
    unanswered = [r.slot for r in responses if not _is_answered(r.answer)]
    flagged = [r.slot for r in responses if r.flagged]
    return render(
        request,
        "quizzes/attempt_finish.html",
        {
            "attempt": attempt,
            "quiz": attempt.quiz,
            "total": len(responses),
            "unanswered": unanswered,
            "flagged": flagged,
        },
    )


@require_GET
@login_required
def attempt_review(request, pk):
    now = timezone.now()
    attempt = attempt_expire_if_overdue(
        attempt=attempt_for_owner(user=request.user, pk=pk), now=now
    )
    access = review_access(attempt=attempt, now=now)
    if not access.allowed:
        messages.info(request, access.reason)
        # An attempt in progress goes back to its page; a finished one to its quiz (its own page
        # would send it back here).
        return redirect(attempt if attempt.state == AttemptState.IN_PROGRESS else attempt.quiz)
    attempt = attempt_with_responses(user=request.user, pk=pk)
    return render(
        request,
        "quizzes/review.html",
        {
            "attempt": attempt,
            "quiz": attempt.quiz,
            "items": response_review_items(
                responses=attempt.responses.all(), options=access.options
            ),
            "shows": access.options,
            "note": access.note,
            "passed": attempt.passed,
        },
    )


@require_GET
@login_required
def attempt_list(request):
    now = timezone.now()
    attempts = attempts_for_student(user=request.user)
    load_student_closes(attempts)  # the review moments by the student's own closing dates
    for attempt in attempts:
        # What the quiz's review options allow now: the grade, and the link to the review.
        access = review_access(attempt=attempt, now=now)
        attempt.review_open = access.allowed
        attempt.review_reason = access.reason
        attempt.marks_shown = marks_shown(attempt=attempt, now=now)
    return render(request, "quizzes/attempt_list.html", {"attempts": attempts})
