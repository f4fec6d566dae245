"""How long a class's gradebook takes with 1,000 students × 20 quizzes.

    .venv/bin/python bench/gradebook.py                 # a temporary SQLite file
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/h15g .venv/bin/python bench/gradebook.py
                                                        # PostgreSQL: a throwaway test_h15g database

Sets up Django itself and bulk-creates a class of 1,000 students with 20 quizzes assigned, one
or two attempts per student and quiz (20,000 finished, 1,000 in progress) and 50 overrides.
Then prints the median time of: the selector alone (`class_gradebook`), the whole class grid
page in the admin (a teacher's request through every middleware), the API's JSON and CSV, and,
as the baseline of the same run, the same grid page for an empty class. The target: the grid
renders in under a second.
"""

from __future__ import annotations

import time
from datetime import timedelta
from decimal import Decimal

from throwaway import median_ms, throwaway_database  # bench/ is the script's own folder

STUDENTS = 1_000
QUIZZES = 20
RUNS = 7


def populate():
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from quizzes.models import (
        Attempt,
        AttemptState,
        Classroom,
        Enrolment,
        Quiz,
        QuizAssignment,
        QuizOverride,
    )

    User = get_user_model()
    now = timezone.now()
    teacher = User.objects.create_superuser("bench-teacher", password="bench-pass-1")
    User.objects.bulk_create(
        [
            User(username=f"student{n:04}", first_name="Student", last_name=f"{n:04}")
            for n in range(STUDENTS)
        ],
        batch_size=1000,
    )
    students = list(User.objects.filter(username__startswith="student").order_by("pk"))
    Quiz.objects.bulk_create(
        [Quiz(slug=f"bench-{n:02}", title=f"Quiz {n:02}", published=True) for n in range(QUIZZES)]
    )
    quizzes = list(Quiz.objects.filter(slug__startswith="bench-").order_by("slug"))
    classroom = Classroom.objects.create(name="Bench class")
    classroom.teachers.add(teacher)
    empty = Classroom.objects.create(name="Empty class")
    empty.teachers.add(teacher)
    Enrolment.objects.bulk_create(
        [Enrolment(classroom=classroom, student=s) for s in students], batch_size=1000
    )
    QuizAssignment.objects.bulk_create(
        [
            QuizAssignment(classroom=classroom, quiz=q, closes=now + timedelta(days=n + 1))
            for n, q in enumerate(quizzes)
        ]
    )

    def attempts():
        for i, student in enumerate(students):
            for j, quiz in enumerate(quizzes):
                started = now - timedelta(days=3, minutes=i + j)
                grade = Decimal((i * 7 + j * 13) % 101)
                yield Attempt(
                    quiz=quiz,
                    user=student,
                    number=1,
                    state=AttemptState.FINISHED,
                    started_at=started,
                    finished_at=started + timedelta(minutes=5 + (i + j) % 20),
                    max_score=10,
                    score=grade / 10,
                    grade=grade,
                )
                if j == i % QUIZZES:  # one quiz each has a second attempt in progress
                    yield Attempt(
                        quiz=quiz,
                        user=student,
                        number=2,
                        state=AttemptState.IN_PROGRESS,
                        started_at=now,
                        max_score=10,
                    )

    Attempt.objects.bulk_create(attempts(), batch_size=2000)
    QuizOverride.objects.bulk_create(
        [
            QuizOverride(quiz=quizzes[n % QUIZZES], user=students[n * 7], time_multiplier=1.5)
            for n in range(50)
        ]
    )
    return teacher, classroom, empty


def main():
    with throwaway_database() as vendor:
        from django.db import connection
        from django.test import Client

        from quizzes.gradebook import class_gradebook
        from quizzes.models import Attempt

        started = time.perf_counter()
        teacher, classroom, empty = populate()
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE" if vendor == "postgresql" else "ANALYZE")
        print(
            f"Database: {vendor}; {STUDENTS} students × {QUIZZES} quizzes, "
            f"{Attempt.objects.count()} attempts; populated in "
            f"{time.perf_counter() - started:.1f}s"
        )
        client = Client()
        client.force_login(teacher)
        grid = f"/admin/quizzes/classroom/{classroom.pk}/gradebook/"
        api = f"/api/classes/{classroom.pk}/gradebook/"
        response = client.get(grid)
        assert response.status_code == 200, response.status_code
        size = len(response.content)
        measures = {
            "class_gradebook (the selector)": lambda: class_gradebook(classroom=classroom),
            "class grid page (admin, HTML)": lambda: client.get(grid),
            "API JSON": lambda: client.get(api),
            "API CSV": lambda: client.get(api + "?format=csv"),
            "baseline: empty class grid page": lambda: client.get(
                f"/admin/quizzes/classroom/{empty.pk}/gradebook/"
            ),
        }
        print(f"Median of {RUNS} runs:")
        figures = {}
        for name, measure in measures.items():
            figures[name] = median_ms(measure, RUNS)
            print(f"  {name:<36}{figures[name]:8.1f} ms")
        page = figures["class grid page (admin, HTML)"]
        print(
            f"\nClass grid page: {size / 1024:.0f} KiB of HTML (its queries are pinned in "
            "tests/test_gradebook.py); "
            f"{page:.0f} ms against the 1,000 ms target "
            f"({'within' if page < 1000 else 'OVER'}); the empty page of the same run takes "
            f"{figures['baseline: empty class grid page']:.0f} ms."
        )


if __name__ == "__main__":
    main()
