"""Two settings of a HiGHS model that the solve and its start both change and put back."""

from __future__ import annotations

from typing import Any

import numpy as np


def set_integrality(highs: Any, columns: np.ndarray, *, integer: bool) -> None:
    """Make columns integer, or continuous (to solve the linear relaxation first)."""
    import highspy

    kind = highspy.HighsVarType.kInteger if integer else highspy.HighsVarType.kContinuous
    highs.changeColsIntegrality(
        len(columns), columns.astype(np.int32), np.full(len(columns), kind.value, dtype=np.uint8)
    )


def option_value(highs: Any, name: str) -> float:
    """A numeric HiGHS option (highspy returns the value, or a (status, value) pair)."""
    found = highs.getOptionValue(name)
    return float(found[-1] if isinstance(found, tuple) else found)
