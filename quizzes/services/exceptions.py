"""What a quiz service refuses, and why.

Every refusal is a `QuizError` with a stable `code` (the API returns it) and a message a student can
read (the pages show it).
"""


class QuizError(Exception):
    code = "quiz_error"
    default_message = "This cannot be done."

    def __init__(self, message: str | None = None):
        self.message = message or self.default_message
        super().__init__(self.message)


class QuizNotOpen(QuizError):
    code = "quiz_not_open"
    default_message = "This quiz is not open."


class NoAttemptsLeft(QuizError):
    code = "no_attempts_left"
    default_message = "You have no attempts left on this quiz."


class AttemptClosed(QuizError):
    code = "attempt_closed"
    default_message = "This attempt is finished; answers can no longer be changed."


class InvalidAnswer(QuizError):
    code = "invalid_answer"
    default_message = "That answer does not fit this question."


class AnswerLocked(QuizError):
    code = "answer_locked"
    default_message = "This answer has been checked and can no longer be changed."


class ReviewNotAllowed(QuizError):
    code = "review_not_allowed"
    default_message = "The review of this attempt is not available."


class FeedbackNotAvailable(QuizError):
    code = "feedback_not_available"
    default_message = "This quiz gives feedback only after the attempt is finished."


class NotEnoughQuestions(QuizError):
    code = "not_enough_questions"
    default_message = (
        "This quiz draws more questions at random than its question bank now holds: "
        "ask your teacher to check it."
    )
