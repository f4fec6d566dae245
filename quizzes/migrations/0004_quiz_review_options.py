"""Moodle's review options replace the single "review shows correct answers" switch.

Each option is a bitmask of the moments it is shown at: 1 during the attempt (after Check on an
immediate-feedback quiz), 2 immediately after the attempt, 4 later while the quiz is open, 8 after
it closes. Existing quizzes keep what their switch meant, with the leaks it let through closed:
choice feedback and the explanation (which quote the answer) now follow the right answer.
"""

from django.db import migrations, models

DURING, IMMEDIATELY_AFTER, LATER_WHILE_OPEN, AFTER_CLOSE = 1, 2, 4, 8
AFTER = IMMEDIATELY_AFTER | LATER_WHILE_OPEN | AFTER_CLOSE
ALWAYS = DURING | AFTER
OPTIONS = (
    "attempt",
    "correctness",
    "marks",
    "specific_feedback",
    "general_feedback",
    "right_answer",
    "source",
)

# The old switch -> (attempt, correctness, marks, specific, general, right answer, source).
FROM_SWITCH = {
    # Check showed the verdict, the choice feedback and the explanation, never the answer itself;
    # the review showed everything.
    "after_finish": (AFTER, ALWAYS, ALWAYS, ALWAYS, ALWAYS, AFTER, AFTER),
    # Answers once the quiz closes: whatever names them waits for the close too.
    "after_close": (AFTER, ALWAYS, ALWAYS, AFTER_CLOSE, AFTER_CLOSE, AFTER_CLOSE, AFTER_CLOSE),
    # Never: the student sees their answers, whether they were right and their marks; nothing
    # that names the right answer.
    "never": (AFTER, ALWAYS, ALWAYS, 0, 0, 0, 0),
}


def options_from_switch(apps, schema_editor):
    Quiz = apps.get_model("quizzes", "Quiz")
    for switch, bits in FROM_SWITCH.items():
        Quiz.objects.filter(review_correct_answers=switch).update(
            **{f"review_{option}": value for option, value in zip(OPTIONS, bits, strict=True)}
        )


def switch_from_options(apps, schema_editor):
    """Back to the nearest switch: when the right answer is first shown after the attempt."""
    Quiz = apps.get_model("quizzes", "Quiz")
    for quiz in Quiz.objects.all():
        if quiz.review_right_answer & (IMMEDIATELY_AFTER | LATER_WHILE_OPEN):
            quiz.review_correct_answers = "after_finish"
        elif quiz.review_right_answer & AFTER_CLOSE:
            quiz.review_correct_answers = "after_close"
        else:
            quiz.review_correct_answers = "never"
        quiz.save(update_fields=["review_correct_answers"])


class Migration(migrations.Migration):

    dependencies = [
        ('quizzes', '0003_card_state_created_at_first_look'),
    ]

    operations = [
        migrations.AddField(
            model_name='quiz',
            name='review_attempt',
            field=models.PositiveSmallIntegerField(default=14, help_text='When the student may open the review at all.'),
        ),
        migrations.AddField(
            model_name='quiz',
            name='review_correctness',
            field=models.PositiveSmallIntegerField(default=15, help_text='When the review says whether each answer was correct.'),
        ),
        migrations.AddField(
            model_name='quiz',
            name='review_general_feedback',
            field=models.PositiveSmallIntegerField(default=15, help_text="When the review shows the question's explanation."),
        ),
        migrations.AddField(
            model_name='quiz',
            name='review_marks',
            field=models.PositiveSmallIntegerField(default=15, help_text='When the review shows marks earned, score and grade.'),
        ),
        migrations.AddField(
            model_name='quiz',
            name='review_right_answer',
            field=models.PositiveSmallIntegerField(default=15, help_text='When the review shows the right answer.'),
        ),
        migrations.AddField(
            model_name='quiz',
            name='review_source',
            field=models.PositiveSmallIntegerField(default=15, help_text='When the review quotes the article sentence.'),
        ),
        migrations.AddField(
            model_name='quiz',
            name='review_specific_feedback',
            field=models.PositiveSmallIntegerField(default=15, help_text='When the review shows the feedback on the options picked.'),
        ),
        migrations.RunPython(options_from_switch, switch_from_options),
        migrations.RemoveField(
            model_name='quiz',
            name='review_correct_answers',
        ),
        migrations.AddConstraint(
            model_name='quiz',
            constraint=models.CheckConstraint(condition=models.Q(('review_attempt__in', [0, 2, 4, 6, 8, 10, 12, 14])), name='quiz_review_attempt_moments'),
        ),
        migrations.AddConstraint(
            model_name='quiz',
            constraint=models.CheckConstraint(condition=models.Q(('review_correctness__lte', 15)), name='quiz_review_correctness_moments'),
        ),
        migrations.AddConstraint(
            model_name='quiz',
            constraint=models.CheckConstraint(condition=models.Q(('review_marks__lte', 15)), name='quiz_review_marks_moments'),
        ),
        migrations.AddConstraint(
            model_name='quiz',
            constraint=models.CheckConstraint(condition=models.Q(('review_specific_feedback__lte', 15)), name='quiz_review_specific_feedback_moments'),
        ),
        migrations.AddConstraint(
            model_name='quiz',
            constraint=models.CheckConstraint(condition=models.Q(('review_general_feedback__lte', 15)), name='quiz_review_general_feedback_moments'),
        ),
        migrations.AddConstraint(
            model_name='quiz',
            constraint=models.CheckConstraint(condition=models.Q(('review_right_answer__lte', 15)), name='quiz_review_right_answer_moments'),
        ),
        migrations.AddConstraint(
            model_name='quiz',
            constraint=models.CheckConstraint(condition=models.Q(('review_source__lte', 15)), name='quiz_review_source_moments'),
        ),
    ]
