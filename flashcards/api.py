"""Flashcards in the REST API: decks, the next cards to study, and reviews.

    GET  /api/decks/                      published decks, with this student's due and new counts
    GET  /api/decks/{slug}/               one deck
    GET  /api/decks/{slug}/due/?limit=N   the next cards: due reviews first, then new cards, then
                                          cards due within the 20-minute learn-ahead limit
    POST /api/cards/{id}/review/          {rating, duration_ms?, client_review_id?}

A review sent again with the same `client_review_id` is recorded once; the retry gets the
original result (200 instead of 201, `duplicate: true`).
"""

from __future__ import annotations

from django.http import Http404
from django.utils import timezone
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from flashcards import selectors
from flashcards.models import Card, Deck, LearningState
from flashcards.services import scheduling
from flashcards.services.scheduling import (
    CardNotFound,
    ReviewError,
    ReviewIdReused,
    format_interval,
)
from quizzes.parsing import MAX_ID, whole_number

DUE_LIMIT_DEFAULT = 20
DUE_LIMIT_MAX = 100

# --- serializers --------------------------------------------------------------------------


class DeckCountsSerializer(serializers.Serializer):
    due = serializers.IntegerField(help_text="Cards due for review now.")
    new = serializers.IntegerField(help_text="New cards the daily limit still allows today.")
    total = serializers.IntegerField(help_text="Cards in the deck.")


class DeckSerializer(serializers.ModelSerializer):
    counts = serializers.SerializerMethodField()

    class Meta:
        model = Deck
        fields = [
            "slug",
            "title",
            "description",
            "desired_retention",
            "new_cards_per_day",
            "counts",
        ]

    @extend_schema_field(DeckCountsSerializer)
    def get_counts(self, deck):
        return self.context["counts"].get(deck.pk, {"due": 0, "new": 0, "total": 0})


class IntervalsSerializer(serializers.Serializer):
    again = serializers.CharField()
    hard = serializers.CharField()
    good = serializers.CharField()
    easy = serializers.CharField()


class StudyCardSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    front = serializers.CharField()
    back = serializers.CharField()
    is_new = serializers.BooleanField()
    state = serializers.ChoiceField(
        choices=["new", *[s.name.lower() for s in LearningState]],
        help_text="new, learning, review or relearning.",
    )
    due = serializers.DateTimeField(allow_null=True)
    intervals = IntervalsSerializer(help_text="The interval each rating would give now.")


class DueSerializer(serializers.Serializer):
    deck = serializers.SlugField()
    due_count = serializers.IntegerField(help_text="All cards due now (not only those returned).")
    new_available = serializers.IntegerField(help_text="New cards the daily limit still allows.")
    ahead_count = serializers.IntegerField(
        help_text="Cards not due yet that fall due within the learn-ahead limit (20 minutes): "
        "they are returned, soonest first, after the due and new cards."
    )
    cards = StudyCardSerializer(many=True)


class ReviewInputSerializer(serializers.Serializer):
    rating = serializers.ChoiceField(choices=list(scheduling.RATING_NAMES))
    duration_ms = serializers.IntegerField(
        required=False, allow_null=True, min_value=0, max_value=86_400_000
    )
    client_review_id = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=64,
        help_text="Any id the client picks per review (a UUID): a retry with it is recorded once.",
    )


class ReviewOutputSerializer(serializers.Serializer):
    card = serializers.IntegerField()
    rating = serializers.CharField()
    reviewed_at = serializers.DateTimeField()
    due = serializers.DateTimeField(help_text="When the card is next due.")
    interval_seconds = serializers.IntegerField()
    interval = serializers.CharField(help_text='The interval as Anki shows it, e.g. "10m", "4d".')
    state = serializers.CharField(help_text="learning, review or relearning.")
    reps = serializers.IntegerField()
    duplicate = serializers.BooleanField(
        help_text="True when this client_review_id had been recorded already (nothing changed)."
    )


# A datetime as the API's serializers write it (in the current time zone, "Z" for UTC).
_api_datetime = serializers.DateTimeField().to_representation

# --- views --------------------------------------------------------------------------------


class DeckViewSet(viewsets.ReadOnlyModelViewSet):
    """Published decks with the student's counts (a teacher also sees their own and shared
    unpublished ones)."""

    serializer_class = DeckSerializer
    lookup_field = "slug"
    lookup_value_regex = r"[-\w]+"  # what a slug can be; anything else is a 404, not a lookup

    def get_queryset(self):
        if self.action == "list":
            return Deck.objects.studyable_by(self.request.user).order_by("title", "pk")
        return Deck.objects.all()  # one deck: get_object() checks that this user may see it

    def get_object(self):
        deck = super().get_object()
        if not deck.is_studyable_by(self.request.user):
            raise Http404("No such deck.")
        return deck

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context.setdefault("counts", {})
        return context

    def _with_counts(self, decks):
        counts = selectors.deck_counts(user=self.request.user, decks=decks, now=timezone.now())
        return self.get_serializer(
            decks, many=True, context={**self.get_serializer_context(), "counts": counts}
        )

    @extend_schema(summary="List decks with this student's due and new counts")
    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(self._with_counts(list(page)).data)

    @extend_schema(summary="One deck with this student's due and new counts")
    def retrieve(self, request, *args, **kwargs):
        deck = self.get_object()
        counts = selectors.deck_counts(user=request.user, decks=[deck], now=timezone.now())
        return Response(
            self.get_serializer(
                deck, context={**self.get_serializer_context(), "counts": counts}
            ).data
        )

    @extend_schema(
        summary="The next cards to study: due reviews first, then new cards within the daily "
        "limit, then cards due within the learn-ahead limit",
        parameters=[
            OpenApiParameter(
                "limit",
                int,
                description=f"How many cards (1-{DUE_LIMIT_MAX}, default {DUE_LIMIT_DEFAULT}).",
            )
        ],
        responses={200: DueSerializer, 400: OpenApiResponse(description="A bad limit.")},
    )
    @action(detail=True, methods=["get"])
    def due(self, request, slug=None):
        deck = self.get_object()
        limit = _limit(request.query_params.get("limit"))
        now = timezone.now()
        queue = selectors.study_queue(user=request.user, deck=deck, now=now, limit=limit)
        cards = []
        for card in queue.cards():
            state = queue.state_for(card)
            new = scheduling.is_new(state)
            cards.append(
                {
                    "id": card.pk,
                    "front": card.front,
                    "back": card.back,
                    "is_new": new,
                    "state": "new" if new else LearningState(state.state).name.lower(),
                    "due": state.due if state else None,
                    "intervals": scheduling.preview_labels(
                        deck=deck, state=state, user_id=request.user.pk, card_id=card.pk, now=now
                    ),
                }
            )
        data = {
            "deck": deck.slug,
            "due_count": queue.due_count,
            "new_available": queue.new_available,
            "ahead_count": queue.ahead_count,
            "cards": cards,
        }
        return Response(DueSerializer(data).data)


def _limit(raw: str | None) -> int:
    if raw in (None, ""):
        return DUE_LIMIT_DEFAULT
    limit = whole_number(raw, limit=DUE_LIMIT_MAX)
    if not limit:  # not a plain number, 0, or above the maximum
        raise serializers.ValidationError({"limit": [f"A whole number from 1 to {DUE_LIMIT_MAX}."]})
    return limit


class CardViewSet(viewsets.GenericViewSet):
    """Cards of the decks a student may study; only the review action is exposed."""

    serializer_class = ReviewInputSerializer

    def get_queryset(self):
        return Card.objects.with_deck()

    def get_object(self):
        card = super().get_object()
        if not card.deck.is_studyable_by(self.request.user):
            raise Http404("No such card in a deck you may study.")
        return card

    @extend_schema(
        summary="Review a card (again, hard, good or easy)",
        request=ReviewInputSerializer,
        responses={
            201: ReviewOutputSerializer,
            200: OpenApiResponse(
                ReviewOutputSerializer,
                description="The same client_review_id was recorded before: the original result.",
            ),
            400: OpenApiResponse(description="Bad input, with a message per field."),
            404: OpenApiResponse(description="No such card in a deck you may study."),
        },
    )
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        serializer = ReviewInputSerializer(data=request.data)
        card_id = whole_number(pk, limit=MAX_ID)
        if card_id is None or not serializer.is_valid():
            # As get_object() decides: a card the student may not study is a 404, whatever
            # was sent; otherwise the input's errors.
            self.get_object()
            serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            # The card is read with the student's state, in the query that locks the state.
            result = scheduling.review_card_by_id(
                user=request.user,
                card_id=card_id,
                rating=data["rating"],
                now=timezone.now(),
                duration_ms=data.get("duration_ms"),
                client_review_id=data.get("client_review_id") or "",
            )
        except CardNotFound as exc:
            raise Http404(str(exc)) from exc
        except ReviewIdReused as exc:
            raise serializers.ValidationError({"client_review_id": [str(exc)]}) from exc
        except ReviewError as exc:
            raise serializers.ValidationError({"non_field_errors": [str(exc)]}) from exc
        # The fields of ReviewOutputSerializer (the schema's), built as the plain JSON they are:
        # running the serializer over a fixed dict of plain values only copied its fields.
        output = {
            "card": result.log.card_id,
            "rating": result.log.get_rating_display().lower(),
            "reviewed_at": _api_datetime(result.log.reviewed_at),
            "due": result.log.state_after["due"],  # fsrs's ISO 8601, as the log stores it
            "interval_seconds": int(result.interval.total_seconds()),
            "interval": format_interval(result.interval),
            "state": LearningState(result.log.state_after["state"]).name.lower(),
            "reps": result.state.reps,
            "duplicate": not result.created,
        }
        return Response(
            output,
            status=status.HTTP_201_CREATED if result.created else status.HTTP_200_OK,
        )
