"""A bound on the computations a server runs at once, with a queue of bounded length.

Each computation runs in a worker thread (numpy and Pillow release the interpreter lock),
at most ``max_jobs`` at a time; up to ``max_waiting`` more wait their turn, and a request
beyond that is refused at once with :class:`Busy` (the app answers 503 with Retry-After),
so a burst of requests makes a queue, never a pile of threads or a crash. A computation
over ``timeout`` seconds is answered with :class:`TimedOut`; its thread finishes in the
background (Python threads cannot be stopped) but no longer holds a place in the queue's
count of waiting requests.
"""

from __future__ import annotations

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
        self._threads = anyio.CapacityLimiter(max_jobs)
        self.capacity = max_jobs + max_waiting
        self.timeout = timeout
        self.admitted = 0  # running or waiting; only touched from the event loop

    async def run(self, function: Callable[..., T], *args) -> T:
        """``function(*args)`` in a worker thread, or :class:`Busy` / :class:`TimedOut`."""
        if self.admitted >= self.capacity:
            raise Busy
        self.admitted += 1
        try:
            with self._anyio.fail_after(self.timeout):
                return await self._anyio.to_thread.run_sync(
                    function, *args, limiter=self._threads, abandon_on_cancel=True)
        except TimeoutError:
            raise TimedOut from None
        finally:
            self.admitted -= 1
