"""Admin formsets: ordered inlines, and the question rules across a question and its inlines."""

from django import forms
from django.core.exceptions import ValidationError

from quizzes.services.questions import question_problems


def _live_rows(formset) -> list[dict]:
    rows = []
    for form in formset.forms:
        if not hasattr(form, "cleaned_data") or not form.cleaned_data:
            continue
        if form.cleaned_data.get("DELETE"):
            continue
        rows.append(
            {
                "text": form.cleaned_data.get("text", ""),
                "fraction": form.cleaned_data.get("fraction", 0),
            }
        )
    return rows


BLANK_ORDER_HELP = "Empty: after the rows above."


def _live_forms(formset) -> list:
    """The forms that will be saved: valid, filled in and not marked for deletion."""
    return [
        form
        for form in formset.forms
        if getattr(form, "cleaned_data", None)
        and not form.errors
        and not form.cleaned_data.get("DELETE")
    ]


class OrderedInlineFormSet(forms.BaseInlineFormSet):
    """Rows of an inline with an `order` that a teacher may leave empty.

    The order's default (0) would otherwise be copied into every row added with "Add another",
    and the rows would then fail as duplicates ("Please correct the duplicate data for order").
    An empty order puts the row after the others, in the order the rows appear on the page.
    """

    order_field = "order"

    def add_fields(self, form, index):
        super().add_fields(form, index)
        order = form.fields.get(self.order_field)
        if order is not None:
            order.required = False
            order.initial = None
            order.help_text = BLANK_ORDER_HELP

    def clean(self):
        self.number_blank_orders()
        super().clean()

    def number_blank_orders(self) -> None:
        name = self.order_field
        forms_ = _live_forms(self)
        given = [f.cleaned_data[name] for f in forms_ if f.cleaned_data.get(name) is not None]
        next_order = max(given, default=0) + 1
        for form in forms_:
            if form.cleaned_data.get(name) is None:
                form.cleaned_data[name] = next_order
                setattr(form.instance, name, next_order)
                next_order += 1


class FactFormSet(OrderedInlineFormSet):
    """An article's facts: an empty position puts the fact after the others."""

    order_field = "position"


class QuizQuestionFormSet(OrderedInlineFormSet):
    """A quiz's questions: empty marks take the question's default marks."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        marks = form.fields.get("marks")
        if marks is not None:
            marks.required = False
            marks.initial = None
            marks.help_text = "Empty: the question's default marks."

    def clean(self):
        live = _live_forms(self)
        for form in live:
            question = form.cleaned_data.get("question")
            if form.cleaned_data.get("marks") is None and question is not None:
                form.cleaned_data["marks"] = form.instance.marks = question.default_marks
        super().clean()
        if self.instance.published and not any(f.cleaned_data.get("question") for f in live):
            raise ValidationError(
                "A published quiz needs at least one question: add one, or untick “Published”."
            )


class _QuestionPartFormSet(OrderedInlineFormSet):
    part: str  # "choices" or "accepted_answers"

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        question = self.instance
        rows = _live_rows(self)
        problems = question_problems(
            kind=question.kind,
            text=question.text or "",
            choices=rows if self.part == "choices" else (),
            accepted_answers=rows if self.part == "accepted_answers" else (),
            numeric_answer=question.numeric_answer,
        )
        if problems.get(self.part):
            raise ValidationError(problems[self.part])


class ChoiceFormSet(_QuestionPartFormSet):
    part = "choices"


class AcceptedAnswerFormSet(_QuestionPartFormSet):
    part = "accepted_answers"


class QuestionForm(forms.ModelForm):
    def clean(self):
        cleaned = super().clean()
        problems = question_problems(
            kind=cleaned.get("kind", ""),
            text=cleaned.get("text", "") or "",
            numeric_answer=cleaned.get("numeric_answer"),
        )
        for field in ("kind", "text", "numeric_answer"):
            for message in problems.get(field, []):
                self.add_error(field, message)
        return cleaned
