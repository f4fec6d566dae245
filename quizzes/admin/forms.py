"""Admin formsets: ordered inlines, and the question rules across a question and its inlines."""

from django import forms
from django.core.exceptions import ValidationError

from quizzes.models import REVIEW_OPTIONS, Quiz
from quizzes.models.quizzes import review_field
from quizzes.parsing import whole_number
from quizzes.services import review
from quizzes.services.questions import part_fields, question_problems
from quizzes.services.quizzes import quiz_problems
from quizzes.services.random_slots import quiz_slot_problems, slot_spec


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


def _submitted(data, prefix: str, field: str) -> list[str]:
    """The values of `field` in the rows of the sibling inline `prefix` that the page sent and
    did not mark for deletion: the quiz's rule spans its two inlines, which Django validates
    one at a time."""
    total = min(whole_number(data.get(f"{prefix}-TOTAL_FORMS")) or 0, 1000)
    values = []
    for index in range(total):
        if data.get(f"{prefix}-{index}-DELETE"):
            continue
        value = data.get(f"{prefix}-{index}-{field}")
        if value:
            values.append(value)
    return values


def _drawn_count(data) -> int:
    """How many questions the random slots the page sent draw (those with a source)."""
    rows = range(min(whole_number(data.get("random_slots-TOTAL_FORMS")) or 0, 1000))
    return sum(
        whole_number(data.get(f"random_slots-{i}-count")) or 0
        for i in rows
        if not data.get(f"random_slots-{i}-DELETE")
        and (data.get(f"random_slots-{i}-tag") or data.get(f"random_slots-{i}-article"))
    )


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
        count = sum(1 for f in live if f.cleaned_data.get("question"))
        problems = quiz_problems(
            published=self.instance.published,
            question_count=count,
            drawn_count=_drawn_count(self.data),
        )
        if problems:
            raise ValidationError(problems["published"])


class QuizRandomSlotFormSet(OrderedInlineFormSet):
    """A quiz's random slots: a published quiz's slots must find enough questions to draw,
    leaving out the questions the quiz asks anyway (from the questions inline on the page)."""

    def clean(self):
        super().clean()
        if any(self.errors) or not self.instance.published:
            return
        specs = [slot_spec(form.instance) for form in _live_forms(self)]
        fixed = [
            pk
            for pk in (whole_number(v) for v in _submitted(self.data, "quiz_questions", "question"))
            if pk is not None
        ]
        problems = quiz_slot_problems(slots=specs, fixed=fixed)
        if problems:
            raise ValidationError(problems)


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


class _ArrangedPartFormSet(OrderedInlineFormSet):
    """Matching pairs or ordering items, checked with the question by `question_problems`."""

    fields_checked: tuple[str, ...]

    def rows(self) -> dict:
        raise NotImplementedError

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        question = self.instance
        problems = question_problems(
            kind=question.kind,
            text=question.text or "",
            all_or_nothing=question.all_or_nothing,
            shared_answers=question.shared_answers,
            **self.rows(),
        )
        messages = [m for field in self.fields_checked for m in problems.get(field, [])]
        if messages:
            raise ValidationError(messages)


class MatchPairFormSet(_ArrangedPartFormSet):
    fields_checked = ("pairs", "extra_answers")

    def rows(self) -> dict:
        pairs = [
            {
                "stem": f.cleaned_data.get("stem", ""),
                "answer": f.cleaned_data.get("answer", ""),
                "order": f.cleaned_data.get("order") or 0,
            }
            for f in _live_forms(self)
        ]
        return {**part_fields(pairs=pairs, items=[]), "items": []}


class OrderingItemFormSet(_ArrangedPartFormSet):
    fields_checked = ("items",)

    def rows(self) -> dict:
        items = [
            {"text": f.cleaned_data.get("text", ""), "order": f.cleaned_data.get("order") or 0}
            for f in _live_forms(self)
        ]
        return {"items": part_fields(pairs=[], items=items)["items"]}


class QuestionForm(forms.ModelForm):
    def clean(self):
        cleaned = super().clean()
        problems = question_problems(
            kind=cleaned.get("kind", ""),
            text=cleaned.get("text", "") or "",
            numeric_answer=cleaned.get("numeric_answer"),
            all_or_nothing=bool(cleaned.get("all_or_nothing")),
        )
        for field in ("kind", "text", "numeric_answer", "all_or_nothing"):
            for message in problems.get(field, []):
                self.add_error(field, message)
        return cleaned


# --- a quiz's review options as a grid ------------------------------------------------------


class ReviewOptionsWidget(forms.Widget):
    """The review options as a table: one row per option, one column per moment (as Moodle).

    The value is {option: bitmask of moments}; each cell is a checkbox named
    `<name>_<option>_<moment>`, with an accessible name that says both ("Right answer, after
    the quiz closes"). "The attempt" during the attempt is always on, so its cell is fixed.
    """

    # Form widgets render with the form renderer, which reads app template folders only.
    template_name = "quizzes/widgets/review_options.html"

    class Media:
        css = {"all": ["css/admin-review-options.css"]}

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        settings = value or {}
        base_id = context["widget"]["attrs"].get("id", f"id_{name}")
        rows = []
        for option, label, governs in REVIEW_OPTIONS:
            cells = []
            for moment in review.MOMENT_ORDER:
                moment_name = review.MOMENT_NAMES[moment]
                settable = option in review.moment_options(moment)
                cells.append(
                    {
                        "name": f"{name}_{option}_{moment_name}",
                        "id": f"{base_id}_{option}_{moment_name}",
                        "checked": not settable or bool(settings.get(option, 0) & moment),
                        "fixed": not settable,
                        "label": f"{label}, {moment.label[0].lower()}{moment.label[1:]}",
                    }
                )
            rows.append({"option": option, "label": label, "governs": governs, "cells": cells})
        context["widget"].update(
            base_id=base_id,
            moments=[moment.label for moment in review.MOMENT_ORDER],
            rows=rows,
        )
        return context

    def id_for_label(self, id_):
        return None  # a grid, not one input: the table's caption names it

    def value_from_datadict(self, data, files, name):
        return {
            option: sum(
                moment
                for moment in review.MOMENT_ORDER
                if option in review.moment_options(moment)
                and data.get(f"{name}_{option}_{review.MOMENT_NAMES[moment]}")
            )
            for option in review.OPTION_NAMES
        }

    def value_omitted_from_data(self, data, files, name):
        return False  # an unticked checkbox sends nothing: every cell is always "submitted"


class ReviewOptionsField(forms.Field):
    widget = ReviewOptionsWidget

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def to_python(self, value):
        return {option: int((value or {}).get(option, 0)) for option in review.OPTION_NAMES}


class QuizForm(forms.ModelForm):
    """A quiz, with its review options as one grid instead of seven bitmask fields."""

    review_options = ReviewOptionsField(
        label="Review options",
        help_text="What the review shows at each moment. “During the attempt” is what Check "
        "shows on an immediate-feedback quiz; “Immediately after” lasts two minutes after the "
        "attempt is finished; “After the quiz closes” needs a closing time. Feedback written on "
        "a choice follows “Specific feedback”, whatever it says, and the explanation “General "
        "feedback”: untick them too when they name the answer.",
    )

    class Meta:
        model = Quiz
        # Everything but the seven review bitmasks, which `review_options` edits.
        fields = [
            "title",
            "slug",
            "description",
            "tags",
            "published",
            "public",
            "opens_at",
            "closes_at",
            "time_limit",
            "attempts_allowed",
            "grading_method",
            "maximum_grade",
            "pass_mark",
            "shuffle_questions",
            "shuffle_choices",
            "feedback_mode",
            "owner",
            "shared_with",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["review_options"].initial = self.instance.review_settings()

    def clean(self):
        cleaned = super().clean()
        for option, bits in (cleaned.get("review_options") or {}).items():
            setattr(self.instance, review_field(option), bits)
        return cleaned
