"""The participant variables x[i,l,t,s] as one block of columns held in numpy arrays.

At partnership scale the participants are 99% of the model: 110,000 columns
for 120 places x 60 interventions, a million for 830 x 80. Making each of them
a PuLP variable costs a few microseconds per variable in Python (creation,
hashing into every row's expression, registration, setting its value back),
several times what HiGHS needs to solve the whole LP. So the participants
live here as arrays, one entry per column, and every other variable (money,
aggregates, whole-programme switches, slacks) stays a PuLP variable:

- ``add_participant_variables`` fills the block as a grid: every reachable
  (intervention, place) pair, every year, every segment, in that order, so the
  segments of one delivery (intervention, place, year) are neighbours.
- Rules that involve participants add their PuLP rows as usual and ``attach``
  the participants' coefficients to those rows as arrays.
- The solver (``optimiser.highs``) appends the block's columns to the PuLP
  model's in one call and reads the solution back into ``values`` and
  ``reduced_costs``.

The block's columns have no cost of their own: the objective reaches them
through the demand-reduction aggregates.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np

Key = tuple[str, str, int, int]  # intervention, place, year, segment


@dataclass
class ParticipantBlock:
    """Participants per intervention, place, year and segment, one column each.

    ``intervention`` and ``place`` index ``intervention_keys`` and
    ``place_keys``; ``period`` indexes ``years``; ``segment`` is the
    diminishing-returns slice. Columns are ordered intervention, place,
    period, segment, with ``segments`` columns per delivery.
    """

    intervention_keys: tuple[str, ...]
    place_keys: tuple[str, ...]
    years: tuple[int, ...]
    segments: tuple[int, ...]
    intervention: np.ndarray
    place: np.ndarray
    period: np.ndarray
    segment: np.ndarray
    upper: np.ndarray
    values: np.ndarray | None = None
    reduced_costs: np.ndarray | None = None
    # Whole people (whole-programme mode): each delivery's participants are also one integer
    # column n = sum of its segments, added by the solver after the block's columns, with one
    # row each (``optimiser.highs``); ``delivered`` holds n once solved.
    whole: bool = False
    delivered: np.ndarray | None = None
    rows: list[Any] = field(default_factory=list)
    _entries: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = field(default_factory=list)

    @classmethod
    def grid(
        cls,
        intervention_keys: Sequence[str],
        place_keys: Sequence[str],
        years: Sequence[int],
        segment_shares: Sequence[float],
        reach: np.ndarray,
    ) -> ParticipantBlock:
        """Columns for every (intervention, place) with ``reach > 0``, every year and segment.

        ``reach`` is (interventions x places): the most participants a place can
        have in a year. Each segment's upper bound is its share of the reach.
        """
        shares = np.asarray(segment_shares, dtype=np.float64)
        segments = np.flatnonzero(shares > 0)
        pair_intervention, pair_place = np.nonzero(reach > 0)
        per_pair = len(years) * len(segments)
        pairs = len(pair_intervention)
        segment = np.tile(segments, pairs * len(years)).astype(np.int8)
        intervention = np.repeat(pair_intervention.astype(np.int32), per_pair)
        place = np.repeat(pair_place.astype(np.int32), per_pair)
        return cls(
            intervention_keys=tuple(intervention_keys),
            place_keys=tuple(place_keys),
            years=tuple(years),
            segments=tuple(int(s) for s in segments),
            intervention=intervention,
            place=place,
            period=np.tile(np.repeat(np.arange(len(years), dtype=np.int16), len(segments)), pairs),
            segment=segment,
            upper=shares[segment] * reach[intervention, place],
        )

    def __len__(self) -> int:
        return len(self.upper)

    @property
    def year(self) -> np.ndarray:
        """Each column's financial year."""
        return np.asarray(self.years, dtype=np.int32)[self.period]

    def key(self, column: int) -> Key:
        return (
            self.intervention_keys[self.intervention[column]],
            self.place_keys[self.place[column]],
            self.years[self.period[column]],
            int(self.segment[column]),
        )

    def keys(self) -> Iterator[Key]:
        """(intervention, place, year, segment) of each column, in column order."""
        return (self.key(column) for column in range(len(self)))

    @cached_property
    def intervention_index(self) -> dict[str, int]:
        return {key: n for n, key in enumerate(self.intervention_keys)}

    @cached_property
    def place_index(self) -> dict[str, int]:
        return {key: n for n, key in enumerate(self.place_keys)}

    def columns_of(self, intervention: str) -> np.ndarray:
        """Columns of one intervention, in column order."""
        if intervention not in self.intervention_index:
            return np.zeros(0, dtype=np.int64)
        return np.flatnonzero(self.intervention == self.intervention_index[intervention])

    # -- deliveries: one intervention in one place in one year, all segments --

    def delivery_count(self) -> int:
        return len(self) // max(len(self.segments), 1)

    def first_of_delivery(self) -> np.ndarray:
        """The first column of each delivery (deliveries in column order)."""
        return np.arange(0, len(self), max(len(self.segments), 1))

    def per_delivery(self, per_column: np.ndarray) -> np.ndarray:
        """Add up a per-column array over each delivery's segments."""
        return per_column.reshape(-1, max(len(self.segments), 1)).sum(axis=1)

    def participants(self) -> np.ndarray:
        """Participants per delivery as solved: whole numbers when participants are whole.

        The integer column n is the figure the plan commissions; its segments add up to it
        within the solver's tolerance, so n is read, rounded to the whole number it is.
        """
        if self.whole and self.delivered is not None:
            return np.round(self.delivered)
        return self.per_delivery(self.value_array())

    def whole_upper(self) -> np.ndarray:
        """Most whole participants per delivery: its reach (the segments' bounds) rounded down."""
        return np.floor(self.per_delivery(self.upper) + 1e-9)

    # -- coefficients in PuLP rows --

    def attach(
        self,
        constraints: Sequence[Any],
        row: np.ndarray,
        columns: np.ndarray,
        coefficients: np.ndarray,
    ) -> None:
        """Put ``coefficients[k]`` for column ``columns[k]`` into ``constraints[row[k]]``.

        Each (row, column) pair at most once: a block column is never in a
        row's PuLP expression, so the two parts of a row never overlap.
        """
        if not len(columns):
            return
        offset = len(self.rows)
        self.rows.extend(constraints)
        self._entries.append(
            (
                np.asarray(row, dtype=np.int32) + np.int32(offset),
                np.asarray(columns, dtype=np.int32),
                np.asarray(coefficients, dtype=np.float64),
            )
        )

    @property
    def nonzeros(self) -> int:
        return sum(len(columns) for _row, columns, _values in self._entries)

    def column_matrix(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The coefficients column by column: (column starts, index into ``rows``, value).

        Each attach is in column order, so a stable sort by column merges a few
        sorted runs, and each column's entries keep the order they were attached.
        """
        starts = np.zeros(len(self), dtype=np.int32)
        if not self._entries:
            return starts, np.zeros(0, dtype=np.int32), np.zeros(0)
        columns = np.concatenate([c for _r, c, _v in self._entries])
        np.cumsum(np.bincount(columns, minlength=len(self))[:-1], out=starts[1:])
        order = np.argsort(columns, kind="stable")
        del columns
        rows = np.concatenate([row for row, _c, _v in self._entries])[order]
        values = np.concatenate([v for _r, _c, v in self._entries])[order]
        return starts, rows, values

    # -- after solving --

    def value_array(self) -> np.ndarray:
        """Participants per column (zeros before a solution)."""
        return self.values if self.values is not None else np.zeros(len(self))

    def reduced_cost_array(self) -> np.ndarray:
        return self.reduced_costs if self.reduced_costs is not None else np.zeros(len(self))
