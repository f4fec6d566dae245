"""The dependency between the two apps runs one way: flashcards imports quizzes, never back.

Read from the source (every `import` and `from ... import` under quizzes/, at any depth, with
the migrations), so that a lazy import inside a function counts as much as one at the top.
"""

import ast
from pathlib import Path

from django.conf import settings

QUIZZES = Path(settings.BASE_DIR) / "quizzes"

# The modules of quizzes that still import flashcards, each for a reason (docs: the note and
# README "Layout"): the demo activity studies decks in the same seeded story and transaction as
# it takes quizzes, and `bank_stats` counts everything the database holds.
ALLOWED = {
    "quizzes/services/demo_activity.py",
    "quizzes/management/commands/bank_stats.py",
}


def imported_modules(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
    return names


def test_no_module_of_quizzes_imports_flashcards():
    offenders = sorted(
        str(path.relative_to(QUIZZES.parent))
        for path in QUIZZES.rglob("*.py")
        if any(name.split(".")[0] == "flashcards" for name in imported_modules(path))
    )
    assert [name for name in offenders if name not in ALLOWED] == []


def test_the_allowed_exceptions_still_need_it():
    """An exception that no longer imports flashcards is taken off the list."""
    for name in ALLOWED:
        path = QUIZZES.parent / name
        assert any(m.split(".")[0] == "flashcards" for m in imported_modules(path)), name


def test_the_check_sees_a_lazy_import(tmp_path):
    module = tmp_path / "lazy.py"
    module.write_text("def f():\n    from flashcards.models import Deck\n    return Deck\n")
    assert "flashcards.models" in imported_modules(module)
