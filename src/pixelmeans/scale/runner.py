"""Where batch work runs: in this process, or on a ``dask.distributed`` cluster.

A :class:`Runner` maps a module-level function over items and merges results in a tree, so
that only small results (palettes, histograms, tile labels) travel. :func:`open_runner` picks
the place: ``scheduler="tcp://host:8786"`` joins a running cluster, ``workers=N`` starts a
local one with N worker processes, neither runs everything here, one item at a time.
"""

from __future__ import annotations

import collections
import logging
import os
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from ..errors import InvalidParameterError, require
from ..params import Integral, Interval, Options, validate_params

TASKS_PER_WORKER = 32


class Runner:
    """Runs functions over items in this process (the base for :class:`DaskRunner`)."""

    description = "this process"
    n_workers = 1

    def map_unordered(self, fn: Callable, items: Iterable, *args) -> Iterator[tuple[int, Any]]:
        """``(i, fn(item_i, *args))`` for every item, in the order they finish."""
        for i, item in enumerate(items):
            yield i, fn(item, *args)

    def map_ordered(self, fn: Callable, items: Iterable, *args, window: int = 4) -> Iterator:
        """``fn(item, *args)`` for every item, in order, with at most ``window`` in flight."""
        for item in items:
            yield fn(item, *args)

    def tree_reduce(self, leaf: Callable, items: list, combine: Callable):
        """``combine`` of ``leaf(item)`` over all items, merged pairwise as they come: like a
        binary counter, so at most log2(n) partial results are held at once."""
        stack: list[tuple[int, Any]] = []
        for item in items:
            level, value = 0, leaf(item)
            while stack and stack[-1][0] == level:
                value = combine(stack.pop()[1], value)
                level += 1
            stack.append((level, value))
        value = stack.pop()[1]
        while stack:
            value = combine(stack.pop()[1], value)
        return value


class DaskRunner(Runner):
    """Runs on a ``distributed.Client``; results stay on the workers until they are merged."""

    def __init__(self, client) -> None:
        self.client = client
        self.n_workers = len(client.scheduler_info()["workers"])
        self.description = f"Dask at {client.scheduler.address} ({self.n_workers} workers)"

    def _broadcast(self, value):
        """One future of ``value`` on every worker. It is wrapped in a list, because
        ``scatter`` deals a dict or list out item by item (and distributed 2025.4 then hands
        the workers the items' futures, not their values)."""
        return self.client.scatter([value], broadcast=True, hash=False)[0]

    def map_unordered(self, fn, items, *args):
        """Items go out in small groups (a few per task, about 32 tasks per worker), which
        keeps the scheduler's per-task work small next to the work itself."""
        from distributed import as_completed

        items = list(items)
        size = max(1, len(items) // (TASKS_PER_WORKER * self.n_workers))
        starts = list(range(0, len(items), size))
        groups = [items[i:i + size] for i in starts]
        shared = [[self._broadcast(a)] * len(groups) for a in args]
        futures = self.client.map(_run_group, [fn] * len(groups), groups, *shared, pure=False)
        first = {f.key: start for f, start in zip(futures, starts, strict=True)}
        for future in as_completed(futures):
            for offset, result in enumerate(future.result()):
                yield first[future.key] + offset, result
            future.release()

    def map_ordered(self, fn, items, *args, window: int = 4):
        shared = [self._broadcast(a) for a in args]
        pending: collections.deque = collections.deque()
        for item in items:
            pending.append(self.client.submit(fn, item, *shared, pure=False))
            if len(pending) >= window:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()

    def tree_reduce(self, leaf, items, combine):
        """Merge results on the workers as they finish: two finished partial results become
        one merge task, so partial results do not pile up."""
        from distributed import as_completed

        finished = as_completed(self.client.map(leaf, list(items), pure=False))
        waiting = None
        for future in finished:
            if waiting is None:
                waiting = future
            else:
                finished.add(self.client.submit(combine, waiting, future, pure=False))
                waiting = None
        return waiting.result()


def max_local_workers() -> int:
    """The most worker processes a local cluster may start: 4 per CPU of this machine.

    Examples
    --------
    >>> max_local_workers() >= 4
    True
    """
    return 4 * (os.cpu_count() or 1)


def _run_group(fn, items, *args) -> list:
    return [fn(item, *args) for item in items]


@contextmanager
def open_runner(scheduler: str | None = None, workers: int | None = None):
    """A :class:`Runner` for the duration of a ``with`` block.

    Examples
    --------
    >>> with open_runner() as run:
    ...     sorted(r for _, r in run.map_unordered(abs, [-2, 1]))
    [1, 2]
    """
    validate_params("open_runner", {"workers": workers},
                    {"workers": [Interval(Integral, 1, None), Options((None,))]})
    if scheduler and workers:
        msg = "give either a scheduler address or a number of local workers, not both"
        raise InvalidParameterError(msg)
    if workers and workers > max_local_workers():
        msg = (f"workers={workers}: at most {max_local_workers()} local worker processes "
               f"(4 per CPU here); more only slow the machine down (for a bigger cluster, "
               f"give its scheduler's address)")
        raise InvalidParameterError(msg)
    if not scheduler and not workers:
        yield Runner()
        return
    require("distributed", "dask", "Running on a Dask cluster")
    from distributed import Client, LocalCluster

    if scheduler:
        try:
            client = Client(scheduler, timeout="10s")
        except (OSError, ValueError, TypeError) as exc:  # unreachable, or not an address
            msg = f"cannot reach the Dask scheduler at {scheduler!r}: {exc}"
            raise InvalidParameterError(msg) from None
        with client:
            yield DaskRunner(client)
        return
    # silence_logs: a task's error comes back to us as its exception; the workers' own log
    # of it ("Compute Failed" and a traceback) would only repeat it on stderr.
    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                      dashboard_address=":0", silence_logs=logging.CRITICAL) as cluster, \
            Client(cluster) as client:
        yield DaskRunner(client)
