"""The few PuLP calls the optimiser makes, written once so they run on PuLP 3.3 and 4.x.

PuLP 4 builds expressions with ``LpAffineExpression.from_list`` and adds
constraints as ``prob.addConstraint(expr <= rhs, name)``; PuLP 3.3 is fastest
with ``LpConstraint(expr, sense, name=..., rhs=...)``. Both create variables
through ``prob.add_variable``. Every row is built once from (variable,
coefficient) pairs with each variable once: an ``LpAffineExpression`` given
the same variable twice keeps only one coefficient, so every row's terms are
built from distinct variables (each family's rows list each variable once).
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
from collections.abc import Iterator
from typing import Any

import pulp
from pulp import LpAffineExpression, LpConstraint, LpProblem, LpVariable

_FROM_LIST = getattr(LpAffineExpression, "from_list", None)  # PuLP 4 only
PULP_4 = _FROM_LIST is not None

LE = -1  # pulp.LpConstraintLE
EQ = 0  # pulp.LpConstraintEQ
GE = 1  # pulp.LpConstraintGE

Terms = list[tuple[LpVariable, float]]


def expression(terms: Terms) -> LpAffineExpression:
    """One affine expression from (variable, coefficient) pairs, each variable once."""
    if _FROM_LIST is not None:
        return _FROM_LIST(terms)
    return LpAffineExpression(terms)


def add_row(problem: LpProblem, terms: Terms, sense: int, rhs: float, name: str) -> Any:
    """Add ``sum(terms) <sense> rhs`` under ``name`` and return the PuLP constraint."""
    expr = expression(terms)
    if PULP_4:
        # addConstraint's own return: PuLP 4 rewrites characters such as "-" in names,
        # so looking the row up by our name would miss it.
        if sense == LE:
            return problem.addConstraint(expr <= rhs, name)
        if sense == GE:
            return problem.addConstraint(expr >= rhs, name)
        return problem.addConstraint(expr == rhs, name)
    constraint = LpConstraint(expr, sense, name=name, rhs=rhs)
    problem.addConstraint(constraint)
    return constraint


def new_variable(
    problem: LpProblem,
    name: str,
    low: float | None = 0.0,
    up: float | None = None,
    *,
    integer: bool = False,
) -> LpVariable:
    """A variable created by (and, in PuLP 4, owned by) the problem."""
    category = pulp.LpInteger if integer else pulp.LpContinuous
    var = problem.add_variable(name, low, up, cat=category)
    if not PULP_4:
        # Registered now, so that columns follow creation order as in PuLP 4
        # (PuLP 3 would register it when it first appears in a row).
        problem._add_variables((var,))
    return var


class _QuietStdout:
    """Who holds file descriptor 1 at /dev/null: solves may run at once in threads (the plan
    and the partners' separate plan), and the last one out restores the real stdout. Each
    solve saving and restoring on its own would leave stdout at /dev/null when two overlap."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.holders = 0
        self.saved: int | None = None
        self.devnull: int | None = None

    def enter(self) -> None:
        with self.lock:
            self.holders += 1
            if self.holders > 1:
                return
            sys.stdout.flush()
            try:
                self.saved = os.dup(1)
            except OSError:  # no real stdout (some embedded runners): nothing to protect
                self.saved = None
                return
            self.devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(self.devnull, 1)

    def leave(self) -> None:
        with self.lock:
            self.holders -= 1
            if self.holders > 0 or self.saved is None:
                return
            sys.stdout.flush()
            os.dup2(self.saved, 1)
            os.close(self.saved)
            if self.devnull is not None:
                os.close(self.devnull)
            self.saved = self.devnull = None


_QUIET = _QuietStdout()


@contextlib.contextmanager
def quiet_stdout() -> Iterator[None]:
    """Silence HiGHS at the file-descriptor level.

    highspy prints a banner when a solver is created, even with
    ``msg=False``, and writes it from C, past ``sys.stdout``. The planner's
    ``--json`` output must stay clean, so file descriptor 1 points at
    /dev/null while any HiGHS solve runs (``_QuietStdout``).
    """
    _QUIET.enter()
    try:
        yield
    finally:
        _QUIET.leave()
