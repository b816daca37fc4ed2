"""Work started in a forked copy of this process, so that it runs beside what the process does meanwhile.

Only the command line uses it (see plan(side_by_side=True)): a library caller's process may hold threads, which
a fork does not copy safely.
"""

from __future__ import annotations

import os
import pickle
from typing import Callable, TypeVar

T = TypeVar("T")


def start_in_child(func: Callable[[], T]) -> Callable[[], T]:
    """Start `func()` in a forked child; the returned function waits for the result and returns it.

    The result travels back pickled. Where no child can give it (no fork on this platform, the child failed or
    was killed), `func()` runs here when the result is asked for, so the answer is the same either way, and an
    exception `func` raises is raised here.
    """
    if not hasattr(os, "fork"):
        return func
    try:
        read_end, write_end = os.pipe()
        pid = os.fork()
    except OSError:
        return func
    if pid == 0:
        code = 1
        try:
            os.close(read_end)
            data = pickle.dumps(func(), protocol=pickle.HIGHEST_PROTOCOL)
            with open(write_end, "wb") as pipe:
                pipe.write(data)
            code = 0
        finally:
            # Leave at once: no exit handlers or buffered output of the parent's may run twice.
            os._exit(code)
    os.close(write_end)

    def result() -> T:
        with open(read_end, "rb") as pipe:
            data = pipe.read()
        _, status = os.waitpid(pid, 0)
        if os.waitstatus_to_exitcode(status) == 0:
            try:
                return pickle.loads(data)
            except Exception:  # a truncated or unreadable result: compute it here instead
                pass
        return func()

    return result
