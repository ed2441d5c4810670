"""HiGHS is silenced at file descriptor 1, and solves that overlap in threads (the plan and
the partners' separate plan) give the real stdout back when the last one ends."""

from __future__ import annotations

import os
import threading

from optimiser.lp import quiet_stdout


def _same_file(first: os.stat_result, second: os.stat_result) -> bool:
    return (first.st_dev, first.st_ino) == (second.st_dev, second.st_ino)


def test_stdout_points_at_devnull_while_a_solve_runs_and_comes_back_after():
    real = os.fstat(1)
    with quiet_stdout():
        assert _same_file(os.fstat(1), os.stat(os.devnull))
    assert _same_file(os.fstat(1), real)


def test_overlapping_solves_in_threads_leave_the_real_stdout_in_place():
    """A starts, B starts, A ends, B ends: the order in which one solve saving and restoring
    on its own would restore B's saved /dev/null last and silence stdout for good."""
    real = os.fstat(1)
    a_in, b_in, a_out = threading.Event(), threading.Event(), threading.Event()
    during: list[bool] = []

    def first() -> None:
        with quiet_stdout():
            a_in.set()
            b_in.wait(5)
        a_out.set()

    def second() -> None:
        a_in.wait(5)
        with quiet_stdout():
            b_in.set()
            a_out.wait(5)
            # A has ended; B still runs, so HiGHS must stay quiet.
            during.append(_same_file(os.fstat(1), os.stat(os.devnull)))

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert during == [True]
    assert _same_file(os.fstat(1), real)
