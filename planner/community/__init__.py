"""Communities in the plan: need from risk indicators, consultation feedback, shared volunteers
and participatory budgets."""
