"""Cards to and from CSV: a header row `front,back,tags`, then one card per row.

Import is all or nothing: every row is checked first, and one bad row (named by its line number
and the reason) imports nothing. A row updates the deck's card with the same front (so importing
a file twice does not duplicate), otherwise it adds a card keyed by a hash of its front. Cells a
spreadsheet would run as a formula are written escaped and read back as they were
(`quizzes.csv_safety`).
"""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass, field
from typing import cast

from django.db import transaction

from flashcards.models import Card, Deck
from quizzes.csv_safety import csv_writer, read_cell
from quizzes.text import squash_spaces

COLUMNS = ("front", "back", "tags")
_TAGS_MAX = cast(int, Card._meta.get_field("tags").max_length)  # a CharField: always set
_MAX_ROWS = 10_000


@dataclass(frozen=True)
class CardRow:
    line: int
    front: str
    back: str
    tags: str


@dataclass(frozen=True)
class RowError:
    line: int
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.reason}"


class CardCsvError(ValueError):
    def __init__(self, errors: list[RowError]):
        self.errors = errors
        shown = "\n  ".join(str(error) for error in errors[:20])
        more = f"\n  … and {len(errors) - 20} more" if len(errors) > 20 else ""
        super().__init__(f"Nothing was imported: {len(errors)} bad row(s).\n  {shown}{more}")


@dataclass
class ImportResult:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)


def csv_card_key(front: str) -> str:
    return "csv-" + hashlib.sha256(squash_spaces(front).encode()).hexdigest()[:16]


def parse_cards_csv(text: str) -> tuple[list[CardRow], list[RowError]]:
    """Check a CSV text (pure): the good rows and the errors, each with its line number."""
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""), strict=True)
    rows: list[CardRow] = []
    errors: list[RowError] = []
    try:
        header = next(reader, None)
        if header is None:
            return [], [RowError(1, "the file is empty; expected the header front,back,tags")]
        if tuple(cell.strip().lower() for cell in header) != COLUMNS:
            return [], [
                RowError(1, f"the header must be front,back,tags (found {','.join(header)})")
            ]
        fronts: dict[str, int] = {}
        for cells in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in cells):
                continue  # blank lines are allowed
            if len(rows) + len(errors) >= _MAX_ROWS:
                errors.append(RowError(line, f"too many rows (at most {_MAX_ROWS})"))
                break
            if len(cells) != len(COLUMNS):
                errors.append(RowError(line, f"expected 3 columns, found {len(cells)}"))
                continue
            front, back, tags = (read_cell(cell.strip()) for cell in cells)
            problems = []
            if not front:
                problems.append("the front is empty")
            if not back:
                problems.append("the back is empty")
            if any("\x00" in cell for cell in cells):
                problems.append("a cell contains a NUL character")
            tags = " ".join(tags.replace(",", " ").split())
            if len(tags) > _TAGS_MAX:
                problems.append(f"the tags are longer than {_TAGS_MAX} characters")
            key = squash_spaces(front)
            if front and key in fronts:
                problems.append(f"the same front as line {fronts[key]}")
            if problems:
                errors.append(RowError(line, "; ".join(problems)))
                continue
            fronts[key] = line
            rows.append(CardRow(line=line, front=front, back=back, tags=tags))
    except csv.Error as exc:
        errors.append(RowError(reader.line_num, f"not valid CSV ({exc})"))
    return rows, errors


def import_cards_csv(*, deck: Deck, text: str) -> ImportResult:
    """Import checked rows into the deck in one transaction; CardCsvError when any row is bad."""
    rows, errors = parse_cards_csv(text)
    if errors:
        raise CardCsvError(errors)
    result = ImportResult()
    with transaction.atomic():
        cards = list(Card.objects.select_for_update().filter(deck=deck))
        by_front = {squash_spaces(card.front): card for card in cards}
        position = max((card.position for card in cards), default=0)
        for row in rows:
            card = by_front.get(squash_spaces(row.front))
            if card is None:
                position += 1
                Card.objects.create(
                    deck=deck,
                    key=csv_card_key(row.front),
                    front=row.front,
                    back=row.back,
                    tags=row.tags,
                    position=position,
                )
                result.created.append(row.front)
            elif (card.back, card.tags) != (row.back, row.tags):
                card.back, card.tags = row.back, row.tags
                card.save(update_fields=["back", "tags", "updated_at"])
                result.updated.append(row.front)
            else:
                result.unchanged.append(row.front)
    return result


def export_cards_csv(*, deck: Deck) -> str:
    """The deck's cards as CSV text with a header row, in the deck's order."""
    buffer = io.StringIO()
    writer = csv_writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    for front, back, tags in (
        Card.objects.filter(deck=deck)
        .order_by("position", "pk")
        .values_list("front", "back", "tags")
    ):
        writer.writerow([front, back, tags])
    return buffer.getvalue()
