"""How long "what is due" takes for a student with 50,000 card states.

    .venv/bin/python bench/due_query.py                 # a temporary SQLite file
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/h5 .venv/bin/python bench/due_query.py
                                                        # PostgreSQL: a throwaway test_h5 database

Sets up Django itself, bulk-creates one deck of 50,000 cards, 50,000 states for the student
(due dates spread over the past and next 60 days) and 50,000 states of other students, then
prints median timings of the due query and of the whole study queue, the query plan (which
should use the (user, deck, due) index), and how many queries the study page makes.
"""

from __future__ import annotations

import time
from datetime import timedelta

from throwaway import median_ms, throwaway_database  # bench/ is the script's own folder

CARDS = 50_000
OTHER_STUDENTS = 5
RUNS = 25


def populate():
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from flashcards.models import Card, CardState, Deck, LearningState

    User = get_user_model()
    now = timezone.now()
    deck = Deck.objects.create(slug="bench", title="Bench", published=True, new_cards_per_day=20)
    Card.objects.bulk_create(
        [
            Card(deck=deck, key=f"c{i}", front=f"Front {i}", back=f"Back {i}", position=i)
            for i in range(CARDS)
        ],
        batch_size=2000,
    )
    card_ids = list(Card.objects.filter(deck=deck).values_list("pk", flat=True))
    student = User.objects.create_user("bench-student", password="bench-pass-1")
    others = [User.objects.create_user(f"other-{n}") for n in range(OTHER_STUDENTS)]

    def states_for(user, ids, offset):
        for index, card_id in enumerate(ids):
            # Due dates spread from 60 days ago to 60 days ahead: about half are due now.
            minutes = ((index * 7919 + offset) % (120 * 24 * 60)) - 60 * 24 * 60
            yield CardState(
                user=user,
                card_id=card_id,
                deck=deck,
                state=LearningState.REVIEW,
                stability=10.0,
                difficulty=5.0,
                due=now + timedelta(minutes=minutes),
                last_review=now - timedelta(days=10),
                reps=3,
                created_at=now - timedelta(days=30),
            )

    CardState.objects.bulk_create(states_for(student, card_ids, 0), batch_size=2000)
    per_other = CARDS // OTHER_STUDENTS
    for n, other in enumerate(others):
        CardState.objects.bulk_create(
            states_for(other, card_ids[n * per_other : (n + 1) * per_other], n), batch_size=2000
        )
    return student, deck


def main():
    with throwaway_database() as vendor:
        from django.db import connection
        from django.test import Client
        from django.test.utils import CaptureQueriesContext
        from django.utils import timezone

        from flashcards.models import CardState
        from flashcards.selectors import study_queue

        started = time.perf_counter()
        student, deck = populate()
        with connection.cursor() as cursor:
            # What autovacuum would have done by then (PostgreSQL: lets counts use the index).
            cursor.execute("VACUUM ANALYZE" if vendor == "postgresql" else "ANALYZE")
        print(f"Database: {vendor}; populated in {time.perf_counter() - started:.1f}s")
        total = CardState.objects.count()
        mine = CardState.objects.filter(user=student).count()
        now = timezone.now()
        due_now = CardState.objects.due_for(student, now, deck=deck).count()
        print(f"States: {total} in all, {mine} for the student, {due_now} of them due now")

        next_20 = CardState.objects.due_for(student, now, deck=deck).select_related("card")
        measures = {
            "next 20 due cards (one query)": lambda: list(next_20[:20]),
            "count of due cards": lambda: CardState.objects.due_for(
                student, now, deck=deck
            ).count(),
            "whole study queue (limit 20)": lambda: study_queue(
                user=student, deck=deck, now=now, limit=20
            ),
            "due across all decks, next 20": lambda: list(
                CardState.objects.due_for(student, now)[:20]
            ),
        }
        print(f"Median of {RUNS} runs:")
        for name, measure in measures.items():
            print(f"  {name:<36}{median_ms(measure, RUNS):8.2f} ms")
        print("\nQuery plan of the next due cards:")
        print(next_20[:20].explain())

        client = Client()
        client.force_login(student)
        url = f"/flashcards/{deck.slug}/study/"
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        reveal = response.content.decode().split('href="?reveal=')[1].split('"')[0]
        page_ms = median_ms(lambda: client.get(url + f"?reveal={reveal}"), RUNS)
        with CaptureQueriesContext(connection) as revealed:
            client.get(url + f"?reveal={reveal}")
        print(
            f"\nStudy page: {len(queries)} queries (front), {len(revealed)} queries "
            f"(answer shown with the four intervals); median {page_ms:.1f} ms per page"
        )


if __name__ == "__main__":
    main()
