"""The one text-table renderer: aligned columns, numbers to the right."""

from __future__ import annotations

import re
from collections.abc import Sequence

_ESCAPE = re.compile(r"\x1b\[[0-9;]*m")


def visible_width(cell: str) -> int:
    """Characters a terminal shows for ``cell`` (colour escape sequences take none)."""
    return len(_ESCAPE.sub("", cell))


def _pad(cell: str, width: int, left: bool) -> str:
    space = " " * (width - visible_width(cell))
    return cell + space if left else space + cell


def text_table(header: Sequence[str], rows: Sequence[Sequence[str]], *,
               left: Sequence[int] = ()) -> str:
    """Rows of cells under a header, columns as wide as their widest cell, two spaces apart.

    Columns are right-aligned except those whose index is in ``left``.

    Examples
    --------
    >>> print(text_table(["k", "size"], [["2", "1,024"], ["16", "9"]]), end="")
     k   size
     2  1,024
    16      9
    """
    widths = [max(visible_width(row[i]) for row in [header, *rows])
              for i in range(len(header))]
    lines = []
    for row in [header, *rows]:
        cells = [_pad(cell, w, i in left) for i, (cell, w) in enumerate(zip(row, widths,
                                                                             strict=True))]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines) + "\n"
