"""Rules about delivery: provider capacity, and whole programmes with cohorts."""

from __future__ import annotations

from collections import defaultdict

from optimiser.lp import GE, LE, Terms
from optimiser.model import Model


def add_capacity(model: Model) -> None:
    """Participants per intervention, place and year stay within what providers can take.

    Reach (the eligible population) is already the sum of the segment bounds;
    a capacity row is added only where the provider's capacity is smaller.
    In whole-programme mode a programme takes participants only where it
    runs (``runs`` rows) and then at least its minimum cohort (``cohort``).
    """
    served: dict[tuple[str, str, int], Terms] = defaultdict(list)
    for (intervention_key, place_key, year, _segment), var in model.participants.items():
        served[(intervention_key, place_key, year)].append((var, 1.0))
    places = {place.key: place for place in model.inputs.places}
    for (intervention_key, place_key, year), terms in served.items():
        intervention = model.interventions[intervention_key]
        place = places[place_key]
        population = place.population.get(intervention.target_group, 0.0)
        capacity = place.capacity.get(intervention_key, intervention.capacity)
        if capacity is not None and capacity < population:
            model.add("capacity", (intervention_key, place_key, year), terms, LE, capacity)
        run = model.runs.get((intervention_key, place_key, year))
        if run is None:
            continue
        reach = population if capacity is None else min(population, capacity)
        keys = (intervention_key, place_key, year)
        model.add("runs", keys, [*terms, (run, -reach)], LE, 0.0)
        if intervention.min_cohort > 0:
            model.add("cohort", keys, [*terms, (run, -intervention.min_cohort)], GE, 0.0)
