"""Scenarios: named sets of rules (budgets, evidence, value for money, fairness, objective) that
the optimiser turns into plans."""
