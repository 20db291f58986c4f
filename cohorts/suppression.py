"""Small-cell suppression: the one rule every number passes before it leaves `cohorts`.

Pure Python, no ORM. A table is rows of cells, each row with an optional total, plus optional
column totals and a grand total. A cell is hidden when:

1. *primary*: fewer than `k` distinct students are in it; for a share, also when fewer than
   `k` are on either side of it (with the trait, without it);
2. *complementary*: in any line (a row with its total, a column with its total, the totals
   with the grand total), a hidden value could be worked out by subtraction. We hide the
   smallest visible cell of the line until (a) no line has exactly one hidden member and
   (b) the hidden cells of a line together hold at least `k` students (and `k` on each side
   of a share), of which at least `k` are outside cells hidden because everyone in them
   answered alike — so what subtraction reveals is itself a group of at least `k`
   that no shared answer stands for. Rule (b) is
   stricter than the textbook "hide the next-smallest" and closes the gap that two hidden
   cells of one or two students each would otherwise leave. Students who appear in two cells
   of a line (a rotation change mid-week) are discounted: the overlap is the sum of the parts
   minus the total.

A total is never hidden by rule 2: when every part of a line is hidden, what remains is the
total itself, which passed rule 1. So the same total reads the same on every page.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

NOT_OVER = "week not over yet"
COMPLEMENTARY = "hidden so the other hidden cell cannot be worked out"


def too_few(k: int) -> str:
    return f"fewer than {k} students"


def too_few_on_a_side(k: int) -> str:
    return f"fewer than {k} students on one side of this share"


@dataclass(frozen=True)
class Cell:
    """What suppression needs to know about a cell, plus the payload it guards.

    `n` is the number of distinct students in the group; for a share, `numerator` is how many
    have the trait and `complement` how many do not (by default `n - numerator`). `hidden`
    may be set on input for a reason decided elsewhere (the week is not over).
    """

    n: int
    numerator: int | None = None
    complement: int | None = None
    value: Any = None
    hidden: str | None = None

    def other_side(self) -> int | None:
        if self.complement is not None:
            return self.complement
        if self.numerator is not None:
            return self.n - self.numerator
        return None


@dataclass(frozen=True)
class Hidden:
    """A suppressed cell: only the reason, never a number.

    `bound` is a top- or bottom-code decided when the cell was published (see
    `participation_bound`): ("above", p) reads "more than p%", ("below", k) "fewer than k
    students". It is derived from published counts and k only, never from the hidden one."""

    reason: str
    bound: tuple[str, int] | None = None


ABOVE, BELOW = "above", "below"


def participation_bound(*, active: int, enrolled: int, k: int) -> tuple[str, int] | None:
    """The top- or bottom-code of a participation rate hidden by the rule of k on each side.

    What it may say is only which side failed, and a bound computed from the published
    denominator (`enrolled`, frozen at publication) and k: "more than p%" with
    p = floor(100 (enrolled - k) / enrolled) when fewer than k did not check in, or "fewer than
    k students" when fewer than k did. Every count it is consistent with spans k values, so no
    subtraction isolates a student. With fewer than 2k enrolled both sides could fail at once
    and saying which would narrow it further: no bound then."""
    if enrolled < 2 * k:
        return None
    if active < k:
        return (BELOW, k)
    if enrolled - active < k:
        return (ABOVE, (100 * (enrolled - k)) // enrolled)
    return None


@dataclass(frozen=True)
class Row:
    cells: tuple[Cell | Hidden, ...]
    total: Cell | Hidden | None = None


@dataclass(frozen=True)
class Table:
    rows: tuple[Row, ...]
    column_totals: tuple[Cell | Hidden, ...] | None = None
    grand_total: Cell | Hidden | None = None


def primary_reason(cell: Cell | Hidden, *, k: int) -> str | None:
    if isinstance(cell, Hidden):
        return cell.reason
    if cell.hidden:
        return cell.hidden
    if cell.n < k:
        return too_few(k)
    if cell.numerator is not None and cell.numerator < k:
        return too_few_on_a_side(k)
    other = cell.other_side()
    if other is not None and other < k:
        return too_few_on_a_side(k)
    return None


def _lines(table: Table) -> list[tuple[list[tuple], tuple | None]]:
    lines: list[tuple[list[tuple], tuple | None]] = []
    for i, row in enumerate(table.rows):
        if row.total is not None:
            lines.append(([("c", i, j) for j in range(len(row.cells))], ("r", i)))
    if table.column_totals is not None:
        for j in range(len(table.column_totals)):
            lines.append(([("c", i, j) for i in range(len(table.rows))], ("t", j)))
        if table.grand_total is not None:
            lines.append(([("t", j) for j in range(len(table.column_totals))], ("g",)))
    if table.grand_total is not None and all(row.total is not None for row in table.rows):
        lines.append(([("r", i) for i in range(len(table.rows))], ("g",)))
    return lines


def _cells(table: Table) -> dict[tuple, Cell | Hidden]:
    cells: dict[tuple, Cell | Hidden] = {}
    for i, row in enumerate(table.rows):
        for j, cell in enumerate(row.cells):
            cells[("c", i, j)] = cell
        if row.total is not None:
            cells[("r", i)] = row.total
    for j, cell in enumerate(table.column_totals or ()):
        cells[("t", j)] = cell
    if table.grand_total is not None:
        cells[("g",)] = table.grand_total
    return cells


def _amounts(cell: Cell | Hidden) -> dict[str, int] | None:
    if isinstance(cell, Hidden):
        return None
    amounts = {"n": cell.n}
    if cell.numerator is not None:
        amounts["numerator"] = cell.numerator
    if cell.complement is not None or cell.numerator is not None:
        amounts["complement"] = cell.other_side()
    return amounts


def _remainder_is_safe(cells, parts: list[tuple], hidden_parts: list[tuple], whole, k) -> bool:
    """Whether what subtraction reveals (the hidden parts together) is a group of >= k."""
    whole_amounts = _amounts(cells[whole])
    part_amounts = [_amounts(cells[p]) for p in parts]
    if whole_amounts is None or any(a is None for a in part_amounts):
        return True  # already-suppressed input: nothing to subtract with
    by_position = dict(zip(parts, part_amounts, strict=True))
    for name, whole_amount in whole_amounts.items():
        if not all(name in a for a in part_amounts):
            continue
        overlap = max(0, sum(a[name] for a in part_amounts) - whole_amount)
        if sum(by_position[p][name] for p in hidden_parts) - overlap < k:
            return False
    return True


def _alike_left_too_few(cells, hidden_parts: list[tuple], preset: set[tuple], k: int) -> bool:
    """Whether the hidden parts hold a cell hidden because everyone in it answered alike, and
    fewer than k students beside it: subtraction reveals the hidden parts' mean, which with
    one shared value behind most of it would tell the few others' (or, alone, everyone's).
    Empty parts hide nobody."""
    alike = [p for p in hidden_parts if p in preset and cells[p].n]
    if not alike:
        return False
    others = [cells[p] for p in hidden_parts if p not in preset]
    return sum(c.n for c in others if isinstance(c, Cell)) < k


def suppress(
    rows: Sequence[Row],
    *,
    k: int,
    column_totals: Sequence[Cell | Hidden] | None = None,
    grand_total: Cell | Hidden | None = None,
) -> Table:
    """The same table with every cell that must not be shown replaced by `Hidden(reason)`."""
    table = Table(
        tuple(Row(tuple(r.cells), r.total) for r in rows),
        tuple(column_totals) if column_totals is not None else None,
        grand_total,
    )
    cells = _cells(table)
    hidden = {pos: reason for pos, cell in cells.items() if (reason := primary_reason(cell, k=k))}
    # Cells hidden for a reason decided elsewhere (everyone answered alike) hide K or more
    # students who all share one value: a remainder made of them alone would tell it.
    preset = {pos for pos, cell in cells.items() if isinstance(cell, Cell) and cell.hidden}
    lines = _lines(table)
    changed = True
    while changed:
        changed = False
        for parts, whole in lines:
            hidden_parts = [p for p in parts if p in hidden]
            visible = [p for p in parts if p not in hidden]
            if not visible:
                continue
            if whole in hidden:
                if hidden_parts:
                    continue  # the total is unknown, so the hidden parts cannot be derived
            elif not hidden_parts or (
                len(hidden_parts) >= 2
                and _remainder_is_safe(cells, parts, hidden_parts, whole, k)
                and not _alike_left_too_few(cells, hidden_parts, preset, k)
            ):
                continue
            smallest = min(visible, key=lambda p: (cells[p].n, p))
            hidden[smallest] = COMPLEMENTARY
            changed = True

    def out(pos: tuple) -> Cell | Hidden:
        return Hidden(hidden[pos]) if pos in hidden else cells[pos]

    return Table(
        tuple(
            Row(
                tuple(out(("c", i, j)) for j in range(len(row.cells))),
                out(("r", i)) if row.total is not None else None,
            )
            for i, row in enumerate(table.rows)
        ),
        tuple(out(("t", j)) for j in range(len(column_totals)))
        if column_totals is not None
        else None,
        out(("g",)) if grand_total is not None else None,
    )
