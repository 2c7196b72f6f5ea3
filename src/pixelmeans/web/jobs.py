"""A bound on the computations a server runs at once, with a queue of bounded length.

Each computation runs in a worker thread (numpy and Pillow release the interpreter lock),
at most ``max_jobs`` at a time; up to ``max_waiting`` more wait their turn, and a request
beyond that is refused at once with :class:`Busy` (the app answers 503 with Retry-After),
so a burst of requests makes a queue, never a pile of work or a crash. A request whose
computation (waiting included) takes over ``timeout`` seconds is answered with
:class:`TimedOut` at once. Python threads cannot be stopped, so a computation already
running finishes in the background, still holding its place among the ``max_jobs``; one
that had not started yet never starts.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


class Busy(Exception):
    """Every running and waiting place is taken."""


class TimedOut(Exception):
    """A computation took longer than the server allows."""


class JobLimiter:
    """Runs blocking functions in threads, ``max_jobs`` at a time, ``max_waiting`` queued.

    Create it inside the server's event loop (the app does, when it starts).
    """

    def __init__(self, max_jobs: int, max_waiting: int, timeout: float) -> None:
        import anyio

        self._anyio = anyio
        self.capacity = max_jobs + max_waiting
        # Waiting requests wait here, in the event loop, not in threads of their own (each
        # thread that computes keeps memory arenas of its own).
        self._threads = anyio.CapacityLimiter(max_jobs)
        self._slots = threading.BoundedSemaphore(max_jobs)  # held by the computing thread
        self.timeout = timeout
        self.admitted = 0  # requests running or waiting; only touched from the event loop

    def _guarded(self, abandoned: threading.Event, function: Callable[..., object], args
                 ) -> object:
        with self._slots:
            if abandoned.is_set():  # its request was answered while it waited
                return None
            return function(*args)

    async def run(self, function: Callable[..., T], *args) -> T:
        """``function(*args)`` in a worker thread, or :class:`Busy` / :class:`TimedOut`."""
        if self.admitted >= self.capacity:
            raise Busy
        self.admitted += 1
        abandoned = threading.Event()
        try:
            with self._anyio.fail_after(self.timeout):
                result = await self._anyio.to_thread.run_sync(
                    self._guarded, abandoned, function, args, limiter=self._threads,
                    abandon_on_cancel=True)
                return result  # type: ignore[return-value]  # None only when abandoned
        except TimeoutError:
            abandoned.set()
            raise TimedOut from None
        finally:
            self.admitted -= 1
