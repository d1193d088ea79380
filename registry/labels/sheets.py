"""Label stock geometry (A4 sheets of Avery-standard labels) and where each label goes.

All sizes are millimetres, as printed on the stock's packet. A print may start at any
position of a part-used first sheet; later sheets start at position 1.
"""

from __future__ import annotations

from dataclasses import dataclass

PAGE_WIDTH = 210.0
PAGE_HEIGHT = 297.0


@dataclass(frozen=True)
class Stock:
    code: str
    name: str
    width: float
    height: float
    columns: int
    rows: int
    top: float
    left: float
    column_gap: float
    qr_size: float
    row_gap: float = 0.0

    @property
    def per_sheet(self) -> int:
        return self.columns * self.rows


@dataclass(frozen=True)
class Slot:
    """Where one label is printed: sheet (0-based), position on it (1-based), top-left in mm."""

    sheet: int
    position: int
    top: float
    left: float


STOCKS = {
    "99x38": Stock(
        "99x38", "L7163", 99.1, 38.1, 2, 7, top=15.1, left=4.65, column_gap=2.5, qr_size=36
    ),
    "63x38": Stock(
        "63x38", "L7160", 63.5, 38.1, 3, 7, top=15.15, left=7.2, column_gap=2.5, qr_size=29
    ),
}
DEFAULT_STOCK = "99x38"


def slots(stock: Stock, count: int, start: int = 1) -> list[Slot]:
    """Return the places of `count` labels, filling rows left to right from `start`."""
    out = []
    for n in range(start - 1, start - 1 + count):
        sheet, index = divmod(n, stock.per_sheet)
        row, column = divmod(index, stock.columns)
        out.append(
            Slot(
                sheet=sheet,
                position=index + 1,
                top=round(stock.top + row * (stock.height + stock.row_gap), 3),
                left=round(stock.left + column * (stock.width + stock.column_gap), 3),
            )
        )
    return out
