"""Work started in a forked copy of this process, so that it runs beside what the process does meanwhile.

Only the command line uses it (see plan(side_by_side=True)): a library caller's process may hold threads, which
a fork does not copy safely.
"""

from __future__ import annotations

import os
import pickle
import signal
from typing import Callable, Generic, Optional, TypeVar

T = TypeVar("T")


def _usable_cpus() -> int:
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


class Started(Generic[T]):
    """`func()`, started in a forked child (or, where none could start, to be run here when asked for)."""

    def __init__(self, func: Callable[[], T]):
        self._func = func
        self._pid: Optional[int] = None
        self._read_end = -1
        if not hasattr(os, "fork") or _usable_cpus() < 2:
            return  # a child would only take turns with this process
        try:
            self._read_end, write_end = os.pipe()
            self._pid = os.fork()
        except OSError:
            self._pid = None
            return
        if self._pid == 0:
            code = 1
            try:
                os.close(self._read_end)
                data = pickle.dumps(func(), protocol=pickle.HIGHEST_PROTOCOL)
                with open(write_end, "wb") as pipe:
                    pipe.write(data)
                code = 0
            finally:
                # Leave at once: no exit handlers or buffered output of the parent's may run twice.
                os._exit(code)
        os.close(write_end)

    def result(self) -> T:
        """The child's result, or func() computed here if the child gave none (it failed, or was killed): the
        answer is the same either way, and an exception func raises is raised here."""
        if self._pid is not None:
            with open(self._read_end, "rb") as pipe:
                data = pipe.read()
            if self._reap() == 0:
                try:
                    return pickle.loads(data)
                except Exception:  # a truncated or unreadable result: compute it here instead
                    pass
        return self._func()

    def cancel(self) -> None:
        """Stop the child, if it still runs, and reap it (for when its result is no longer wanted)."""
        if self._pid is not None:
            os.kill(self._pid, signal.SIGKILL)
            os.close(self._read_end)
            self._reap()

    def _reap(self) -> int:
        _, status = os.waitpid(self._pid, 0)
        self._pid = None
        return os.waitstatus_to_exitcode(status)
