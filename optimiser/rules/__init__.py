"""One module per kind of rule: money (funding, budgets, windows, caps),
delivery (capacity, programmes), value (evidence, value for money, fairness)."""
