"""Plans: the optimiser's answers, read from what was stored when each was solved, and compared."""
