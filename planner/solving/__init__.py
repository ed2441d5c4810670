"""Solving scenarios: from the tables to the optimiser and back into stored plans."""
