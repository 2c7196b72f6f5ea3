"""Feedback while a command works: a progress bar or a spinner on stderr, and tables whose
rows appear as they finish.

Everything here shows only on a terminal that can redraw a line: when stderr is a file, a
pipe or ``TERM=dumb``, no bar is drawn and nothing but the results is written. The bar is
drawn by a background thread, so that the elapsed time moves during one long step (the
largest k of a sweep, or a single segmentation of a 12 MP photo); it appears only once the
work has taken half a second, and is wiped before anything else is printed.
"""

from __future__ import annotations

import os
import shutil
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TextIO

SPINNER = "|/-\\"
DELAY_S = 0.5  # quick commands never show a bar
INTERVAL_S = 0.2
BAR_FORMAT = "{desc}: {percentage:3.0f}%|{bar}| [{elapsed}<{remaining}]"


def can_redraw(stream: TextIO) -> bool:
    """True when ``stream`` is a terminal that can go back over what it shows (not a file,
    not a pipe, not ``TERM=dumb``)."""
    try:
        return stream.isatty() and os.environ.get("TERM", "") != "dumb"
    except (AttributeError, ValueError):  # a replaced or closed stream
        return False


def _columns(stream: TextIO) -> int:
    """The terminal's width (80 where it does not say)."""
    try:
        columns = os.get_terminal_size(stream.fileno()).columns
    except (AttributeError, ValueError, OSError):
        columns = shutil.get_terminal_size().columns
    return columns if columns > 0 else 80


class Progress:
    """A ``progress(done, total, step)`` callback that draws a bar on stderr.

    ``steps`` are the items of the work in order (for a sweep, its k): the bar then names
    the one running now (``k=64, 3 of 3``) rather than the one just finished, and never
    shows everything done while the last step still runs. ``weights`` (one per step) is
    the expected share of time of each step, for the estimate of the time left; without it
    every step counts the same. Without ``steps`` and before the first call, it is a
    spinner with the elapsed time: a sign of life for one long job.
    """

    def __init__(self, label: str, steps: Sequence | None = None, *,
                 weights: Sequence[float] | None = None, unit: str = "",
                 stream: TextIO | None = None) -> None:
        self.label, self.unit = label, unit
        self.steps = list(steps) if steps is not None else None
        self.weights = [float(w) for w in weights] if weights is not None else None
        self.total = len(self.steps) if self.steps is not None else None
        self.done = 0
        self.stream = stream or sys.stderr
        self.live = can_redraw(self.stream)
        self.start = time.monotonic()
        self.shown, self.drawn = 0, ""  # the bar on screen now, and its length
        self.lock = threading.RLock()
        self.stop = threading.Event()
        self.thread: threading.Thread | None = None
        if self.live:
            self.thread = threading.Thread(target=self._tick, daemon=True)
            self.thread.start()

    def __call__(self, done: int, total: int, step: object = None) -> None:
        with self.lock:
            self.done, self.total = done, total
            self._draw()

    def _tick(self) -> None:
        while not self.stop.wait(INTERVAL_S):
            with self.lock:
                self._draw()

    def line(self) -> str:
        """What the bar shows now (also when it is not drawn)."""
        from tqdm import tqdm

        elapsed = time.monotonic() - self.start
        if not self.total:
            spin = SPINNER[int(elapsed / INTERVAL_S) % len(SPINNER)]
            return f"{self.label or 'working'} {spin} {tqdm.format_interval(elapsed)}"
        done, total = min(self.done, self.total), self.total
        what = f"{done}/{total}{self.unit}"
        if self.steps is not None and done < len(self.steps):
            what = f"{self.steps[done]} ({done + 1} of {total})"
        weights = self.weights if self.weights and len(self.weights) == total else [1.0] * total
        n, whole = sum(weights[:done]), sum(weights)
        return tqdm.format_meter(n, whole, elapsed, ncols=min(_columns(self.stream), 100) - 1,
                                 prefix=f"{self.label} {what}".strip(), bar_format=BAR_FORMAT,
                                 rate=n / elapsed if n and elapsed > 0 else None)

    def _draw(self) -> None:
        if not self.live or self.stop.is_set() or time.monotonic() - self.start < DELAY_S:
            return
        text = self.line()[: _columns(self.stream) - 1]
        if text != self.drawn:
            self.stream.write("\r" + text.ljust(self.shown))
            self.stream.flush()
            self.shown, self.drawn = len(text), text

    def _wipe(self) -> None:
        if self.shown:
            self.stream.write("\r" + " " * self.shown + "\r")
            self.stream.flush()
            self.shown, self.drawn = 0, ""

    def write(self, text: str, stream: TextIO | None = None) -> None:
        """Print ``text`` (to stdout by default) without tearing the bar; the bar comes back
        below it at the next update."""
        with self.lock:
            self._wipe()
            out = stream or sys.stdout
            out.write(text)
            out.flush()

    def close(self) -> None:
        """Stop drawing and wipe the bar, leaving the cursor where it was before it."""
        self.stop.set()
        if self.thread is not None:
            self.thread.join()
        with self.lock:
            self._wipe()


@contextmanager
def progress_bar(label: str, steps: Sequence | None = None,
                 weights: Sequence[float] | None = None) -> Iterator[Progress]:
    """A :class:`Progress` for the duration of a ``with`` block, always wiped at its end.

    ``label`` "k" (the older spelling) names k sweeps; "images" and "tiles" count items.
    """
    counted = label in ("images", "tiles")  # "3/10 images"
    progress = Progress("" if counted else {"k": "fitting"}.get(label, label), steps,
                        weights=weights, unit=f" {label}" if counted else "")
    try:
        yield progress
    finally:
        progress.close()


def k_steps(ks: Sequence[int], name: str = "k") -> tuple[list[str], list[float]]:
    """Steps named ``k=K`` and their expected costs, for the estimate of the time left: a
    fixed part (mapping the pixels, encoding, measuring; on a 12 MP photo it is most of the
    time for small k) plus a part that grows with k, worth as much at k = 64."""
    return [f"{name}={k}" for k in ks], [1.0 + k / 64 for k in ks]


@contextmanager
def activity(label: str) -> Iterator[Progress]:
    """A spinner with the elapsed time on stderr while one long job runs (no steps)."""
    with progress_bar(label) as progress:
        yield progress


class LiveTable:
    """A table printed on stdout row by row as the rows finish.

    ``render(rows)`` makes the whole table text from the rows so far, aligned anew each
    time; :meth:`add` adds a row. On a terminal that can move its cursor (and is wide enough
    for the lines) the table is redrawn in place; otherwise nothing is shown until
    :meth:`finish`, which writes the final table once, so that files and pipes get exactly
    the finished table.
    """

    def __init__(self, render: Callable[[list], str], progress: Progress | None = None,
                 stream: TextIO | None = None) -> None:
        self.render, self.progress = render, progress
        self.stream = stream or sys.stdout
        self.live = can_redraw(self.stream)
        self.rows: list = []
        self.lines, self.shown = 0, ""

    def add(self, row: object) -> None:
        """One more finished row: the table so far is shown where the terminal allows."""
        self.rows.append(row)
        if self.live:
            self._show(self.render(self.rows))

    def _show(self, text: str) -> None:
        if text == self.shown:
            return
        if max(len(line) for line in text.splitlines() or [""]) >= _columns(self.stream):
            self.live = False  # wrapped lines cannot be counted back: finish at the end
            return
        up = f"\x1b[{self.lines}F\x1b[J" if self.lines else ""
        if self.progress is not None:
            self.progress.write(up + text, self.stream)
        else:
            self.stream.write(up + text)
            self.stream.flush()
        self.lines, self.shown = text.count("\n"), text

    def finish(self, text: str) -> None:
        """Show the final table: redrawn once more where it was live, else written."""
        if self.live:
            self._show(text)
            if self.live:
                return
        if self.lines:  # it went wide partway: wipe what was drawn, then write it all
            self.stream.write(f"\x1b[{self.lines}F\x1b[J")
        self.stream.write(text)
