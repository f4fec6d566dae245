"""`loaddata` faults are one paragraph that names the file, the line, the object and the field
(and the missing key), never a traceback; nothing is loaded. The same on SQLite and PostgreSQL,
text included: a NUL in an article's body is refused on both."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from quizzes.models import Article, Fact, Question, Tag

pytestmark = pytest.mark.django_db

STAMPS = {"created_at": "2026-01-01T00:00:00Z", "updated_at": "2026-01-01T00:00:00Z"}
BODY = "Clinton met Lavrov in Geneva. They pressed a button."


def article(slug="geneva", **fields):
    return {
        "model": "quizzes.article",
        "fields": {
            "slug": slug,
            "title": "Reset",
            "publisher": "Reuters",
            "byline": "",
            "url": "",
            "published": "2009-03-06",
            "body": BODY,
            **STAMPS,
            **fields,
        },
    }


def fact(key="geneva-lavrov", article_key=("geneva",), **fields):
    return {
        "model": "quizzes.fact",
        "fields": {
            "key": key,
            "article": list(article_key),
            "sentence": "Clinton met Lavrov in Geneva.",
            "answer": "Lavrov",
            "kind": "person",
            "position": 1,
            **STAMPS,
            **fields,
        },
    }


def question(key="q-lavrov", **fields):
    return {
        "model": "quizzes.question",
        "fields": {"key": key, "kind": "short_answer", "text": "Who?", **STAMPS, **fields},
    }


def write(tmp_path: Path, objects, name="bad.json") -> Path:
    path = tmp_path / name
    if isinstance(objects, str):
        path.write_text(objects, encoding="utf-8")
    else:  # one object per line, so that line numbers are object numbers
        lines = ",\n".join(json.dumps(obj) for obj in objects)
        path.write_text(f"[\n{lines}\n]\n", encoding="utf-8")
    return path


def counts():
    return (
        Article.objects.count(),
        Fact.objects.count(),
        Question.objects.count(),
        Tag.objects.count(),
    )


def fault(path: Path, lines: int = 1) -> str:
    before = counts()
    with pytest.raises(CommandError) as raised:
        call_command("loaddata", str(path), verbosity=0)
    assert counts() == before, "something was loaded"
    message = str(raised.value)
    assert message.startswith("Nothing was loaded: ")
    assert str(path) in message
    assert "Traceback" not in message
    assert len(message.splitlines()) == lines, message
    return message


def test_bad_json_names_the_line_and_column(tmp_path):
    path = write(
        tmp_path,
        '[\n  {"model": "quizzes.tag", "fields": {"slug": "a", "name": "A"}},\n  {"model" "x"}\n]',
    )
    message = fault(path)
    assert f"{path}, line 3: not valid JSON: Expecting ':' delimiter (column 12)." in message


def test_a_file_that_is_not_a_list(tmp_path):
    message = fault(write(tmp_path, '{"model": "quizzes.tag"}'))
    assert "line 1: the file must hold a JSON list of objects" in message


def test_an_object_that_is_not_an_object(tmp_path):
    message = fault(write(tmp_path, [article(), ["quizzes.tag"]]))
    assert 'line 3: each object must be {"model": …, "fields": {…}}' in message


def test_an_unknown_model_names_it(tmp_path):
    message = fault(write(tmp_path, [article(), {"model": "quizzes.nosuch", "fields": {}}]))
    assert "line 3: unknown model 'quizzes.nosuch'" in message


def test_an_unknown_field_names_the_object_and_the_field(tmp_path):
    message = fault(write(tmp_path, [article(colour="red")]))
    assert (
        "line 2: quizzes.Article ['geneva']: colour: quizzes.Article has no such field" in message
    )


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"published": "last Friday"}, "published: “last Friday” value has an invalid date format"),
        ({"title": 2009}, None),  # a number where text goes: Django reads it as "2009"
    ],
)
def test_a_value_of_the_wrong_type_names_the_field(tmp_path, fields, expected):
    path = write(tmp_path, [article(**fields)])
    if expected is None:
        call_command("loaddata", str(path), verbosity=0)
        assert Article.objects.get().title == "2009"
        return
    assert f"line 2: quizzes.Article ['geneva']: {expected}" in fault(path)


def test_a_number_field_given_words(tmp_path):
    message = fault(write(tmp_path, [article(), fact(position="first")]))
    assert (
        "line 3: quizzes.Fact ['geneva-lavrov']: position: “first” value must be an integer."
        in message
    )


def test_a_natural_key_that_names_nothing_names_the_key(tmp_path):
    message = fault(write(tmp_path, [article(), fact(article_key=("no-such-article",))]))
    assert message == (
        f"Nothing was loaded: {tmp_path / 'bad.json'}, line 3: quizzes.Fact ['geneva-lavrov']: "
        "article: names nothing: no quizzes.Article has the natural key ['no-such-article']."
    )


def test_a_tag_that_names_nothing_names_the_tag(tmp_path):
    tags = [["geneva"], ["no-such-tag"]]
    objects = [{"model": "quizzes.tag", "fields": {"slug": "geneva", "name": "Geneva"}}]
    message = fault(write(tmp_path, [*objects, question(tags=tags)]))
    assert (
        "line 3: quizzes.Question ['q-lavrov']: tags: names nothing: no quizzes.Tag has the "
        "natural key ['no-such-tag']"
    ) in message


def test_a_forward_reference_still_loads(tmp_path):
    # A nullable key may name a row further on in the fixtures: Django fills it in at the end.
    answer = {"question": ["q-lavrov"], "text": "Lavrov", "fraction": 1, "order": 1}
    objects = [
        question(fact=["geneva-lavrov"]),
        {"model": "quizzes.acceptedanswer", "fields": answer},
        article(),
        fact(),
    ]
    call_command("loaddata", str(write(tmp_path, objects, "fine.json")), verbosity=0)
    assert Question.objects.get().fact.key == "geneva-lavrov"


def test_a_required_value_left_out_names_the_field(tmp_path):
    no_stamp = article()
    del no_stamp["fields"]["created_at"]
    message = fault(write(tmp_path, [no_stamp]))
    assert "line 2: quizzes.Article ['geneva']: created_at: a value is required" in message


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("Body with a NUL \x00 in it.", "Null characters are not allowed."),
        ("Body \ud800 here.", "Not valid text: it contains a lone surrogate (U+D800)"),
    ],
    ids=["NUL", "lone surrogate"],
)
def test_text_no_database_can_store_is_refused_on_every_database(tmp_path, text, reason):
    # SQLite would store the NUL (PostgreSQL refuses it); neither can store a lone surrogate.
    message = fault(write(tmp_path, [article(body=text)]))
    assert f"line 2: quizzes.Article ['geneva']: body: {reason}" in message


def test_a_lone_surrogate_in_a_json_list_field_is_refused(tmp_path):
    message = fault(write(tmp_path, [article(), fact(distractors=["Medvedev", "Ban\ud800"])]))
    assert "quizzes.Fact ['geneva-lavrov']: distractors: Not valid text" in message


def test_a_duplicate_the_database_refuses_names_the_object(tmp_path):
    tag = {"model": "quizzes.tag", "pk": 1, "fields": {"slug": "geneva", "name": "Geneva"}}
    twin = {"model": "quizzes.tag", "pk": 2, "fields": {"slug": "geneva", "name": "Geneva"}}
    message = fault(write(tmp_path, [tag, twin]))
    assert "line 3: quizzes.Tag ['geneva']: the database refused it:" in message


def test_text_that_is_not_utf8(tmp_path):
    path = tmp_path / "latin1.json"
    path.write_bytes(
        '[{"model": "quizzes.tag", "fields": {"slug": "a", "name": "Genève"}}]'.encode("latin-1")
    )
    assert "not UTF-8 text" in fault(path)


def test_the_validation_faults_keep_their_format(tmp_path):
    objects = [article(), fact(sentence="They met in Paris.", answer="Paris")]
    message = fault(write(tmp_path, objects), lines=2)  # the summary, then one line per fault
    assert message.startswith("Nothing was loaded: 1 invalid object(s) in the fixtures.")


def test_manage_py_prints_the_paragraph_and_exits_1(tmp_path):
    # Bad JSON is found before any query, so the database may stay empty.
    path = write(tmp_path, '[{"model": "quizzes.tag", "fields": {"slug": "a",}}]')
    env = {**os.environ, "DEBUG": "true", "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    result = subprocess.run(
        [sys.executable, "manage.py", "loaddata", str(path)],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        f"CommandError: Nothing was loaded: {path}, line 1: not valid JSON: Expecting property "
        "name enclosed in double quotes (column 50)."
    ]


def test_export_bank_to_a_missing_folder_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError) as raised:
        call_command("export_bank", "--output", str(tmp_path / "missing" / "bank.json"))
    assert str(raised.value) == (
        f"No such directory: {tmp_path / 'missing'} (create it first, or pick another)."
    )
    with pytest.raises(CommandError, match="is a directory"):
        call_command("export_bank", "--output", str(tmp_path))


def test_an_ordering_question_with_two_items_is_refused_with_its_rule(tmp_path):
    objects = [
        question(kind="ordering", text="Put them in order."),
        *(
            {
                "model": "quizzes.orderingitem",
                "fields": {"question": ["q-lavrov"], "text": t, "order": i},
            }
            for i, t in enumerate(["First", "Second"])
        ),
    ]
    message = fault(write(tmp_path, objects), lines=2)
    assert "items: An ordering question needs at least 3 items." in message
