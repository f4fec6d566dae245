"""A bounded, deterministic fuzz of the student pages and the admin: garbage in, never a 500.

Every URL pattern of the student pages (`quizzes/urls.py` and the `*_urls.py` modules under
`quizzes/views/`) and a selection of admin pages get GETs and POSTs with malformed input: ids that
are huge, negative or written in other scripts' digits ("²", "١"), NUL bytes, very long strings,
missing and repeated fields, and answers of the wrong shape for each question kind. They are sent
anonymously, as the student who owns the attempt, as another student and as staff.

What must hold: the status is below 500 (the test client re-raises a view's exception, so a crash
fails the example with its traceback), and a write that is refused changes nothing.

Two kinds of test: hypothesis, derandomized with a small `max_examples` (raise it with
`FUZZ_EXAMPLES=600` for a longer hunt), mixes garbage across fields and users; and deterministic
sweeps send every value of `NASTY` in each field of an otherwise valid request, one field at a
time, which is what finds a bad parse behind a field that must first be valid (a rating behind a
real card, a `goto` behind a saved answer). Each request runs inside a savepoint that is rolled
back, so requests do not see each other's writes.
The same module runs on SQLite and on PostgreSQL (where NUL bytes and out-of-range integers are
refused by the database itself).
"""

import os
from contextlib import contextmanager
from datetime import timedelta

import pytest
from django.contrib.messages import constants as message_levels
from django.contrib.messages import get_messages
from django.db import transaction
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flashcards.models import CardState, ReviewLog
from quizzes.models import Attempt, FeedbackMode, QuestionKind, Response
from quizzes.services.attempts import attempt_finish, attempt_start
from quizzes.services.snapshots import part_ids, stem_ids
from tests.factories import (
    CardFactory,
    DeckFactory,
    FactFactory,
    QuestionFactory,
    QuizFactory,
    TeacherFactory,
    UserFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.fuzz]

FUZZ = settings(
    derandomize=True,
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "40")),
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# --- garbage ------------------------------------------------------------------------------------

NASTY = [
    "",
    " ",
    "0",
    "-1",
    "+1",
    " 1 ",
    "1.5",
    "1e309",
    "nan",
    "inf",
    "2147483647",
    "2147483648",
    "9223372036854775807",
    "9223372036854775808",
    "18466310023858921584654621083697152",
    "9" * 40,
    "1" * 5000,  # past Python's int() digit limit
    "²",
    "¹²³",
    "١٢",
    "１",
    "Ⅻ",
    "1\x00",
    "\x00",
    "a\x00b",
    "x" * 10_000,
    "<script>alert(1)</script>",
    "'; DROP TABLE quizzes_quiz; --",
    "%00",
    "../../etc/passwd",
    "true",
    "null",
    "[]",
    "{}",
    "é",
    "🙂",
]

# Any text the test client can encode (no lone surrogates).
free_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)
garbage = st.one_of(st.sampled_from(NASTY), free_text)
# Path segments: the URL is built by hand, so keep the characters that survive in a path.
path_garbage = st.one_of(
    st.sampled_from([v for v in NASTY if v.strip() and "/" not in v and "%" not in v]),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.text(st.characters(whitelist_categories=("L", "N", "Pd")), min_size=1, max_size=30),
)
id_like = st.one_of(
    st.sampled_from(NASTY),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
)
query_params = st.dictionaries(
    st.sampled_from(["q", "reveal", "fact", "restart", "next", "page", "o", "p", "slot"]),
    st.one_of(garbage, st.lists(garbage, min_size=2, max_size=3)),
    max_size=4,
)


# --- the world ----------------------------------------------------------------------------------


@pytest.fixture
def world(db):
    """Users, a quiz with a question of every kind, attempts in each state, an article, a deck."""
    owner = UserFactory(username="owner")
    other = UserFactory(username="other")
    staff = TeacherFactory(username="staff", is_superuser=True)
    questions = [
        QuestionFactory(),
        QuestionFactory(multiple_response=True),
        QuestionFactory(true_false=True),
        QuestionFactory(short_answer=True),
        QuestionFactory(cloze=True),
        QuestionFactory(numeric=True),
        QuestionFactory(matching=True),
        QuestionFactory(ordering=True),
    ]
    quiz = QuizFactory(
        slug="every-kind",
        questions=questions,
        feedback_mode=FeedbackMode.IMMEDIATE,
        attempts_allowed=None,
    )
    now = timezone.now()
    finished, _ = attempt_start(quiz=quiz, user=owner, now=now - timedelta(hours=1))
    attempt_finish(attempt=finished, now=now - timedelta(minutes=30))
    in_progress, _ = attempt_start(quiz=quiz, user=owner, now=now)
    others, _ = attempt_start(quiz=quiz, user=other, now=now)
    fact = FactFactory(key="geneva-fact")
    deck = DeckFactory(slug="geneva")
    cards = [CardFactory(deck=deck, back=f"Answer {n}\n\nSource.") for n in range(3)]
    return {
        "users": {"anonymous": None, "owner": owner, "other": other, "staff": staff},
        "quiz": quiz,
        "attempt": in_progress,
        "finished": finished,
        "others": others,
        "questions": questions,
        "article": fact.article,
        "fact": fact,
        "deck": deck,
        "cards": cards,
    }


@contextmanager
def rolled_back():
    """Run one example in a savepoint that is always rolled back."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def client_as(world, role: str) -> Client:
    client = Client()
    user = world["users"][role]
    if user is not None:
        client.force_login(user)
    return client


def has_error_message(response) -> bool:
    return any(m.level >= message_levels.ERROR for m in get_messages(response.wsgi_request))


def assert_no_server_error(response, what: str) -> None:
    assert response.status_code < 500, f"{what} -> {response.status_code}"


def state_of_attempts() -> list:
    return sorted(
        Response.objects.values_list(
            "pk", "answer", "answered_at", "flagged", "checked", "fraction", "score"
        )
    ) + sorted(Attempt.objects.values_list("pk", "state", "finished_at", "score", "grade"))


def state_of_cards() -> list:
    return [
        sorted(CardState.objects.values_list("pk", "due", "reps", "lapses")),
        sorted(ReviewLog.objects.values_list("pk")),
    ]


ROLES = st.sampled_from(["anonymous", "owner", "other", "staff"])

# --- GET: every student page ------------------------------------------------------------------

STUDENT_PATHS = [
    "/",
    "/quizzes/",
    "/quizzes/{slug}/",
    "/attempts/",
    "/attempts/{pk}/",
    "/attempts/{pk}/save/",
    "/attempts/{pk}/finish/",
    "/attempts/{pk}/review/",
    "/articles/{slug}/",
    "/flashcards/",
    "/flashcards/{slug}/study/",
    "/flashcards/{slug}/stats/",
    "/accounts/login/",
    "/accounts/logout/",
    "/accounts/signup/",
]


@st.composite
def page_ids(draw, world):
    """A real id or slug most of the time, garbage the rest."""
    real_pk = draw(st.sampled_from([world["attempt"].pk, world["finished"].pk, world["others"].pk]))
    real_slug = draw(st.sampled_from([world["quiz"].slug, world["article"].slug, "geneva"]))
    pk = draw(st.one_of(st.just(str(real_pk)), path_garbage))
    slug = draw(st.one_of(st.just(real_slug), path_garbage))
    return pk, slug


def test_get_on_every_student_page_never_fails(world):
    @FUZZ
    @given(
        role=ROLES,
        template=st.sampled_from(STUDENT_PATHS),
        ids=page_ids(world),
        params=query_params,
        fragment=st.booleans(),
    )
    def run(role, template, ids, params, fragment):
        pk, slug = ids
        path = template.format(pk=pk, slug=slug)
        headers = {"X-Factcards-Fragment": "1"} if fragment else {}
        with rolled_back():
            response = client_as(world, role).get(path, params, headers=headers)
            assert_no_server_error(response, f"GET {path!r} {params!r} as {role}")

    run()


# --- POST: saving answers ---------------------------------------------------------------------

KINDS = [kind.value for kind in QuestionKind]


@st.composite
def answer_values(draw, world):
    """What a form may carry in `answer`: real choice ids of any question, or garbage."""
    choice_ids = [c.pk for q in world["questions"] for c in q.choices.all()]
    single = st.one_of(st.sampled_from([str(i) for i in choice_ids]), garbage)
    return draw(st.lists(single, max_size=4))


@st.composite
def save_forms(draw, world):
    attempt = world["attempt"]
    question_ids = [str(q.pk) for q in world["questions"]]
    fields = {
        "question": st.one_of(st.sampled_from(question_ids), id_like),
        "slot": st.one_of(st.sampled_from(["1", "2", "6"]), id_like),
        "kind": st.one_of(st.sampled_from(KINDS), garbage),
        "answer_field": st.just("1"),
        "flag_field": st.just("1"),
        "flagged": st.one_of(st.just("1"), garbage),
        "nav": st.sampled_from(["next", "prev", "finish", "check", "stay", "", "other\x00"]),
        "goto": id_like,
    }
    chosen = draw(
        st.lists(st.sampled_from(sorted(fields)), unique=True, min_size=0, max_size=len(fields))
    )
    # Mostly a well-formed header (the question and the slot), so the answer is what is fuzzed.
    if draw(st.booleans()):
        chosen = sorted({*chosen, "question", "slot", "kind", "answer_field"})
    data = {name: draw(fields[name]) for name in chosen}
    if "answer_field" in data:
        data["answer"] = draw(answer_values(world))
        # A matching question's selects and an ordering question's places: real ids or not.
        parts = [i for q in world["questions"] for i in [*part_ids(q), *stem_ids(q)]]
        part = st.one_of(st.sampled_from(parts), garbage)
        for prefix, key, value in draw(
            st.lists(st.tuples(st.sampled_from(["match-", "place-"]), part, part), max_size=4)
        ):
            data[f"{prefix}{key}"] = value
    if draw(st.booleans()) and "question" in data:  # a repeated field
        data["question"] = [data["question"], draw(id_like)]
    target = draw(
        st.sampled_from([str(attempt.pk), str(world["finished"].pk), str(world["others"].pk)])
    )
    return target, data


def test_saving_garbage_answers_never_fails_and_a_refusal_changes_nothing(world):
    @FUZZ
    @given(
        role=st.sampled_from(["anonymous", "owner", "owner", "other"]),
        form=save_forms(world),
        wants_json=st.booleans(),
    )
    def run(role, form, wants_json):
        pk, data = form
        headers = {"Accept": "application/json"} if wants_json else {}
        with rolled_back():
            before = state_of_attempts()
            response = client_as(world, role).post(f"/attempts/{pk}/save/", data, headers=headers)
            assert_no_server_error(response, f"save {data!r} as {role}")
            refused = response.status_code >= 400 or (
                response.status_code == 302 and has_error_message(response)
            )
            if refused:
                assert state_of_attempts() == before
            if role in ("anonymous", "other") and pk == str(world["attempt"].pk):
                assert state_of_attempts() == before

    run()


@pytest.mark.parametrize("kind", KINDS)
def test_each_kind_refuses_every_wrong_answer_shape(world, kind):
    """For each question, every shape of answer meant for the other kinds: a 400, not a 500."""
    attempt = world["attempt"]
    response = Response.objects.get(attempt=attempt, version__snapshot__kind=kind)
    client = client_as(world, "owner")
    shapes = [
        [],
        [""],
        ["abc"],
        ["1", "1"],
        ["²"],
        ["1" * 5000],
        ["9" * 40],
        ["-1"],
        ["1e309"],
        ["\x00"],
        ["x" * 301],
        ["3.5"],
        [str(response.question_id)],
    ]
    for answer in shapes:
        for posted_kind in [*KINDS, "", "essay"]:
            data = {
                "question": response.question_id,
                "slot": response.slot,
                "kind": posted_kind,
                "answer_field": "1",
                "answer": answer,
            }
            with rolled_back():
                before = state_of_attempts()
                result = client.post(
                    f"/attempts/{attempt.pk}/save/", data, headers={"Accept": "application/json"}
                )
                assert_no_server_error(result, f"{kind}: {posted_kind} {answer!r}")
                if result.status_code != 200:
                    assert state_of_attempts() == before


def test_start_and_finish_with_garbage_never_fail(world):
    @FUZZ
    @given(
        role=ROLES,
        action=st.sampled_from(["start", "finish"]),
        ids=page_ids(world),
        data=st.dictionaries(st.sampled_from(["auto", "nav", "slug"]), garbage, max_size=3),
    )
    def run(role, action, ids, data):
        pk, slug = ids
        path = f"/quizzes/{slug}/start/" if action == "start" else f"/attempts/{pk}/finish/"
        with rolled_back():
            before = state_of_attempts()
            response = client_as(world, role).post(path, data)
            assert_no_server_error(response, f"POST {path!r} {data!r} as {role}")
            if response.status_code >= 400 or role == "anonymous":
                assert state_of_attempts() == before

    run()


# --- POST: flashcard reviews ------------------------------------------------------------------


def test_rating_garbage_on_the_study_page_never_fails_and_changes_nothing(world):
    card_ids = [str(card.pk) for card in world["cards"]]
    fields = {
        "card": st.one_of(st.sampled_from(card_ids), id_like),
        "rating": st.one_of(st.sampled_from(["again", "hard", "good", "easy", "3"]), garbage),
        "duration_ms": id_like,
        "client_review_id": garbage,
    }

    @FUZZ
    @given(
        role=ROLES,
        data=st.fixed_dictionaries({}, optional=fields),
        slug=st.one_of(st.just("geneva"), path_garbage),
        fragment=st.booleans(),
    )
    def run(role, data, slug, fragment):
        headers = {"X-Factcards-Fragment": "1"} if fragment else {}
        with rolled_back():
            before = state_of_cards()
            response = client_as(world, role).post(
                f"/flashcards/{slug}/study/", data, headers=headers
            )
            assert_no_server_error(response, f"study {slug!r} {data!r} as {role}")
            if response.status_code >= 400 or role == "anonymous":
                assert state_of_cards() == before

    run()


# --- POST: accounts -----------------------------------------------------------------------------


def test_login_and_signup_with_garbage_never_fail_and_create_nobody(world):
    from django.contrib.auth import get_user_model

    users = get_user_model().objects

    @FUZZ
    @given(
        action=st.sampled_from(["login", "signup"]),
        data=st.fixed_dictionaries(
            {},
            optional={
                "username": garbage,
                "email": garbage,
                "password": garbage,
                "password1": garbage,
                "password2": garbage,
                "next": garbage,
            },
        ),
    )
    def run(action, data):
        with rolled_back():
            count = users.count()
            response = Client().post(f"/accounts/{action}/", data)
            assert_no_server_error(response, f"{action} {data!r}")
            if response.status_code != 302:
                assert users.count() == count

    run()


# --- the admin ----------------------------------------------------------------------------------

ADMIN_MODELS = [
    "article",
    "fact",
    "tag",
    "question",
    "choice",
    "acceptedanswer",
    "quiz",
    "quizquestion",
    "attempt",
    "response",
    "deck",
    "card",
    "cardstate",
    "reviewlog",
]

FILTERS = [
    "kind__exact",
    "state__exact",
    "published__exact",
    "quiz__id__exact",
    "deck__id__exact",
    "article__id__exact",
    "tags__id__exact",
    "rating__exact",
    "match__exact",
    "published__gte",
    "feedback_mode__exact",
]
changelist_params = st.dictionaries(
    st.sampled_from(["q", "o", "p", "all", "e", "_to_field", *FILTERS]),
    garbage,
    max_size=4,
)


def test_admin_changelists_with_odd_parameters_never_fail(world):
    @FUZZ
    @given(model=st.sampled_from(ADMIN_MODELS), params=changelist_params)
    def run(model, params):
        with rolled_back():
            response = client_as(world, "staff").get(f"/admin/quizzes/{model}/", params)
            assert_no_server_error(response, f"admin {model} {params!r}")

    run()


def test_admin_change_pages_with_odd_ids_never_fail(world):
    @FUZZ
    @given(
        model=st.sampled_from(ADMIN_MODELS),
        pk=path_garbage,
        page=st.sampled_from(["change/", "delete/", "history/", ""]),
    )
    def run(model, pk, page):
        path = f"/admin/quizzes/{model}/{pk}/{page}"
        with rolled_back():
            response = client_as(world, "staff").get(path)
            assert_no_server_error(response, f"admin {path!r}")

    run()


# --- deterministic sweeps: each nasty value in each field of an otherwise valid request --------

PATH_NASTY = [v for v in NASTY if v.strip() and not set(v) & set("/%?#")]


def is_refused(response) -> bool:
    return response.status_code >= 400 or has_error_message(response)


def send(
    world, role, method, path, data=None, *, headers=None, state=state_of_attempts, refused=None
):
    """One request in a rolled-back savepoint: no 5xx, and a refused write changes nothing.

    A write is refused when `refused(response)` says so (by default: a 4xx, or a redirect with
    an error message); an anonymous POST must change nothing unless `refused` is given.
    """
    with rolled_back():
        before = state()
        response = getattr(client_as(world, role), method)(path, data or {}, headers=headers or {})
        assert_no_server_error(response, f"{method.upper()} {path!r} {data!r} as {role}")
        anonymous_write = role == "anonymous" and refused is None
        if method == "post" and ((refused or is_refused)(response) or anonymous_write):
            assert state() == before, f"{path!r} {data!r} as {role} changed data"
        return response


@pytest.mark.parametrize("role", ["anonymous", "owner"])
def test_every_student_page_with_each_nasty_id_or_parameter(world, role):
    for template in STUDENT_PATHS:
        if "{" in template:
            for value in PATH_NASTY:
                path = template.format(pk=value, slug=value)
                send(world, role, "get", path)
                send(world, role, "post", path)
    pages = {
        f"/attempts/{world['attempt'].pk}/": "q",
        "/flashcards/geneva/study/": "reveal",
        f"/articles/{world['article'].slug}/": "fact",
        "/accounts/login/": "next",
    }
    for path, name in pages.items():
        for value in NASTY:
            send(world, role, "get", path, {name: value})
            send(world, role, "get", path, {name: [value, "1"]})  # repeated


def valid_save_form(response) -> dict:
    """What the attempt page's form posts for `response`, with an answer of the right shape."""
    choices = response.snapshot.get("choices") or []
    answer = {"numeric": "2009", "short_answer": "Lavrov", "cloze": "Lavrov"}.get(
        response.snapshot["kind"], str(choices[0]["id"]) if choices else ""
    )
    return {
        "question": str(response.question_id),
        "slot": str(response.slot),
        "kind": response.snapshot["kind"],
        "answer_field": "1",
        "flag_field": "1",
        "answer": answer,
        "nav": "stay",
    }


@pytest.mark.parametrize("kind", KINDS)
def test_saving_each_nasty_value_in_each_field(world, kind):
    attempt = world["attempt"]
    response = Response.objects.get(attempt=attempt, version__snapshot__kind=kind)
    base = valid_save_form(response)
    # Every field for one kind; the answer alone for the others (its parse depends on the kind).
    fields = ["answer"] if kind != "single_choice" else [*base, "flagged", "goto"]
    for field in fields:
        for value in NASTY:
            data = {**base, field: value}
            if field == "goto":
                data["nav"] = ""  # `goto` is read when no nav button was pressed
            for headers in ({}, {"Accept": "application/json"}):
                send(world, "owner", "post", f"/attempts/{attempt.pk}/save/", data, headers=headers)


def test_rating_each_nasty_value_in_each_field_of_the_study_form(world):
    base = {"card": str(world["cards"][0].pk), "rating": "good", "duration_ms": "1500"}
    for field in ["card", "rating", "duration_ms", "client_review_id"]:
        for value in NASTY:
            for headers in ({}, {"X-Factcards-Fragment": "1"}):
                send(
                    world,
                    "owner",
                    "post",
                    "/flashcards/geneva/study/",
                    {**base, field: value},
                    headers=headers,
                    state=state_of_cards,
                )


def test_login_and_signup_with_each_nasty_value_in_each_field(world):
    from django.contrib.auth import get_user_model

    def users():
        return sorted(get_user_model().objects.values_list("pk", "username", "password"))

    forms = {
        "/accounts/login/": {"username": "owner", "password": "pass-word-123"},
        "/accounts/signup/": {
            "username": "newbie",
            "email": "newbie@example.org",
            "password1": "a-long-pass-phrase",
            "password2": "a-long-pass-phrase",
        },
    }
    for path, base in forms.items():
        for field in base:
            for value in NASTY:
                # A refused form is shown again (200); only a success redirects.
                send(
                    world,
                    "anonymous",
                    "post",
                    path,
                    {**base, field: value},
                    state=users,
                    refused=lambda response: response.status_code != 302,
                )


def test_admin_changelists_with_each_nasty_search_order_and_page(world):
    for model in ["question", "attempt", "reviewlog"]:  # text, joined and integer fields
        for name in ["q", "o", "p"]:
            for value in NASTY:
                send(world, "staff", "get", f"/admin/quizzes/{model}/", {name: value})


def test_admin_changelists_with_each_nasty_filter_value(world):
    for model, name in [
        ("question", "kind__exact"),
        ("attempt", "state__exact"),
        ("attempt", "quiz__id__exact"),
        ("card", "deck__id__exact"),
        ("article", "published__gte"),
        ("reviewlog", "rating__exact"),
    ]:
        for value in NASTY:
            send(world, "staff", "get", f"/admin/quizzes/{model}/", {name: value})


def test_admin_change_pages_with_each_nasty_id(world):
    for model in ADMIN_MODELS:
        for value in PATH_NASTY:
            send(world, "staff", "get", f"/admin/quizzes/{model}/{value}/change/")
    for value in PATH_NASTY:
        send(world, "staff", "get", f"/admin/quizzes/quiz/{value}/results/")
