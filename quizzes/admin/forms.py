"""Admin formsets that apply the question rules across a question and its inlines."""

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


class _QuestionPartFormSet(forms.BaseInlineFormSet):
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
